package dev.visage.identify;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** No model is in service yet (the first one may be training): 503 with a Retry-After hint. */
public class ModelNotReadyException extends ErrorResponseException {

    static final String RETRY_AFTER_SECONDS = "30";

    public ModelNotReadyException() {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem(), null);
        getHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
    }

    private static ProblemDetail problem() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "No model is loaded yet; one may be training. Try again later.");
        problem.setType(URI.create("https://visage.dev/problems/no-model"));
        problem.setTitle("No model yet");
        return problem;
    }
}
