package dev.visage.identify;

import dev.visage.system.DomainError;

/** An upload that cannot be identified; each reason has its own problem type. */
public final class ImageRejectedException extends RuntimeException implements DomainError {

    private final Problem problem;

    private ImageRejectedException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    @Override
    public Problem problem() {
        return problem;
    }

    /** No image part, or an empty one. */
    static ImageRejectedException missing(String detail) {
        return new ImageRejectedException(new Problem(400, "missing-image", "No image"), detail);
    }

    /** Not decodable: corrupt, truncated or not an image. */
    static ImageRejectedException unreadable(String detail) {
        return new ImageRejectedException(new Problem(400, "unreadable-image", "Unreadable image"), detail);
    }

    /** An image, but of a type the service does not read. */
    static ImageRejectedException unsupported(String detail) {
        return new ImageRejectedException(new Problem(415, "unsupported-image-type", "Unsupported image type"), detail);
    }

    /** More pixels than the service decodes. */
    static ImageRejectedException tooLarge(String detail) {
        return new ImageRejectedException(new Problem(413, "image-too-large", "Image too large"), detail);
    }
}
