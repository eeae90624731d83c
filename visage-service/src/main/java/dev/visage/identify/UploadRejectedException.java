package dev.visage.identify;

import dev.visage.system.DomainError;

/**
 * A request body that cannot be read as an upload, before any image is looked at: its multipart framing, its size,
 * its number of parts, or a client that stopped sending; each reason has its own problem type. Except for bad
 * framing, the connection is closed after the answer.
 */
public final class UploadRejectedException extends RuntimeException implements DomainError {

    private final Problem problem;

    private UploadRejectedException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    @Override
    public Problem problem() {
        return problem;
    }

    /** Not valid multipart/form-data: no or a bad boundary, broken part headers, cut before the end. */
    static UploadRejectedException malformed(String detail) {
        return new UploadRejectedException(new Problem(400, "malformed-multipart", "Malformed multipart body"), detail);
    }

    /** More bytes than accepted, in the whole body or in one part. */
    static UploadRejectedException tooLarge(String detail) {
        return new UploadRejectedException(
                new Problem(413, "upload-too-large", "Upload too large").closingConnection(), detail);
    }

    static UploadRejectedException bodyTooLarge(long bytes, long maxBody, long maxImage, int framing) {
        return tooLarge("The request body of " + bytes + " bytes is larger than the accepted " + maxBody
                + " (an image of at most " + maxImage + " bytes and " + framing
                + " bytes of multipart framing and fields)");
    }

    /** More parts than accepted. */
    static UploadRejectedException tooManyParts(String detail) {
        return new UploadRejectedException(
                new Problem(413, "too-many-parts", "Too many parts").closingConnection(), detail);
    }

    /** The client did not send the whole body in time. */
    static UploadRejectedException stalled(String detail) {
        return new UploadRejectedException(
                new Problem(408, "upload-timeout", "Upload timed out").closingConnection(), detail);
    }
}
