package dev.visage.identify;

import org.springframework.web.ErrorResponseException;

/**
 * The service's package-private errors, made by their own factories, for web tests that mock
 * {@link IdentificationService} and check how each one is rendered.
 */
public final class ServiceErrors {

    private ServiceErrors() {
    }

    public static ErrorResponseException missingImage() {
        return ImageRejectedException.missing("The image part is empty");
    }

    public static ErrorResponseException unreadableImage() {
        return ImageRejectedException.unreadable("The image is corrupt or truncated: Premature end of JPEG file");
    }

    public static ErrorResponseException unsupportedImage() {
        return ImageRejectedException.unsupported("Images of type tif are not supported; send JPEG, PNG, BMP or GIF");
    }

    public static ErrorResponseException imageTooLarge() {
        return ImageRejectedException.tooLarge("The image is 30000x30000 pixels; at most 40000000 pixels are accepted");
    }

    public static ErrorResponseException busy() {
        return new ServiceBusyException("Too many identifications waiting; try again shortly");
    }
}
