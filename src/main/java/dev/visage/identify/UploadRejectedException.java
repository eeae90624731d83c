package dev.visage.identify;

/**
 * A request body that cannot be read as an upload, before any image is looked at: its multipart framing, its size,
 * its number of parts, or a client that stopped sending. The web layer turns the reason into a status.
 */
public class UploadRejectedException extends RuntimeException {

    /** Why the body was refused. */
    public enum Reason {
        /** Not valid multipart/form-data: no or a bad boundary, broken part headers, cut before the end. */
        MALFORMED,
        /** More bytes than accepted, in the whole body or in one part. */
        TOO_LARGE,
        /** More parts than accepted. */
        TOO_MANY_PARTS,
        /** The client did not send the whole body in time. */
        STALLED
    }

    private final Reason reason;

    UploadRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static UploadRejectedException malformed(String detail) {
        return new UploadRejectedException(Reason.MALFORMED, detail);
    }

    static UploadRejectedException tooLarge(String detail) {
        return new UploadRejectedException(Reason.TOO_LARGE, detail);
    }

    static UploadRejectedException bodyTooLarge(long bytes, long maxBody, long maxImage, int framing) {
        return tooLarge("The request body of " + bytes + " bytes is larger than the accepted " + maxBody
                + " (an image of at most " + maxImage + " bytes and " + framing
                + " bytes of multipart framing and fields)");
    }

    static UploadRejectedException tooManyParts(String detail) {
        return new UploadRejectedException(Reason.TOO_MANY_PARTS, detail);
    }

    static UploadRejectedException stalled(String detail) {
        return new UploadRejectedException(Reason.STALLED, detail);
    }
}
