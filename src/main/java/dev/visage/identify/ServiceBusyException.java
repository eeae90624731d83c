package dev.visage.identify;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Too many identifications are waiting: 503 with a short Retry-After, the request is safe to repeat. */
class ServiceBusyException extends ErrorResponseException {

    ServiceBusyException(String detail) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem(detail), null);
        getHeaders().set("Retry-After", "1");
    }

    private static ProblemDetail problem(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setType(URI.create("https://visage.dev/problems/busy"));
        problem.setTitle("Busy");
        return problem;
    }
}
