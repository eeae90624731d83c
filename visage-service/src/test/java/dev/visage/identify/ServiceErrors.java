package dev.visage.identify;

/**
 * The service's domain errors, made by their own package-private factories, for web tests that mock
 * {@link IdentificationService} and check how the web layer maps each one to a problem.
 */
public final class ServiceErrors {

    private ServiceErrors() {}

    public static ImageRejectedException unreadableImage() {
        return ImageRejectedException.unreadable("The image is corrupt or truncated: Premature end of JPEG file");
    }

    public static ImageRejectedException unsupportedImage() {
        return ImageRejectedException.unsupported("Images of type tif are not supported; send JPEG, PNG, BMP or GIF");
    }

    public static ImageRejectedException imageTooLarge() {
        return ImageRejectedException.tooLarge("The image is 30000x30000 pixels; at most 40000000 pixels are accepted");
    }

    public static ServiceBusyException busy() {
        return new ServiceBusyException("Too many identifications waiting; try again shortly");
    }
}
