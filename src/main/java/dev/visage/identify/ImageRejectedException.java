package dev.visage.identify;

/** An upload that cannot be identified, with the reason the web layer turns into a status. */
public class ImageRejectedException extends RuntimeException {

    /** Why an upload was refused. */
    public enum Reason {
        /** No image part, or an empty one. */
        MISSING,
        /** Not decodable: corrupt, truncated or not an image. */
        UNREADABLE,
        /** An image, but of a type the service does not read. */
        UNSUPPORTED,
        /** More pixels than the service decodes. */
        TOO_LARGE
    }

    private final Reason reason;

    ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static ImageRejectedException missing(String detail) {
        return new ImageRejectedException(Reason.MISSING, detail);
    }

    static ImageRejectedException unreadable(String detail) {
        return new ImageRejectedException(Reason.UNREADABLE, detail);
    }

    static ImageRejectedException unsupported(String detail) {
        return new ImageRejectedException(Reason.UNSUPPORTED, detail);
    }

    static ImageRejectedException tooLarge(String detail) {
        return new ImageRejectedException(Reason.TOO_LARGE, detail);
    }
}
