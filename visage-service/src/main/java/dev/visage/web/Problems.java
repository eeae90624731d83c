package dev.visage.web;

import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** The one factory of Visage's RFC 9457 problem details and their type URIs. */
final class Problems {

    private static final String TYPE_BASE = "https://visage.dev/problems/";

    private Problems() {}

    /** A problem of a Visage type ({@code https://visage.dev/problems/<type>}). */
    static ProblemDetail of(HttpStatusCode status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(type));
        problem.setTitle(title);
        return problem;
    }

    static URI type(String type) {
        return URI.create(TYPE_BASE + type);
    }

    /** The problem as an {@code application/problem+json} response with its status. */
    static ResponseEntity<ProblemDetail> response(ProblemDetail problem, HttpHeaders headers) {
        return ResponseEntity.status(problem.getStatus())
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
