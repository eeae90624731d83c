package dev.visage.identify;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An upload that cannot be identified; rendered as an RFC 9457 problem with the given status. */
public class ImageRejectedException extends ErrorResponseException {

    ImageRejectedException(HttpStatus status, String type, String title, String detail) {
        super(status, problem(status, type, title, detail), null);
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://visage.dev/problems/" + type));
        problem.setTitle(title);
        return problem;
    }

    static ImageRejectedException missing(String detail) {
        return new ImageRejectedException(HttpStatus.BAD_REQUEST, "missing-image", "No image", detail);
    }

    static ImageRejectedException unreadable(String detail) {
        return new ImageRejectedException(HttpStatus.BAD_REQUEST, "unreadable-image", "Unreadable image", detail);
    }

    static ImageRejectedException unsupported(String detail) {
        return new ImageRejectedException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-image-type",
                "Unsupported image type", detail);
    }

    static ImageRejectedException tooLarge(String detail) {
        return new ImageRejectedException(HttpStatus.CONTENT_TOO_LARGE, "image-too-large", "Image too large",
                detail);
    }
}
