package dev.visage.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A request that ran out of memory. Consulted before {@link ProblemDetailsAdvice}, whose catch-all would otherwise
 * answer 500: the {@link OutOfMemoryError} is found as the cause Spring MVC wraps it in.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestProblemsAdvice {

    private static final Logger log = LoggerFactory.getLogger(RequestProblemsAdvice.class);

    /** Seconds a client waits before repeating a request refused for lack of memory. */
    private static final String OUT_OF_MEMORY_RETRY_SECONDS = "2";

    /**
     * A request whose memory could not be allocated: the budgets should prevent it, but if the heap runs out anyway
     * the client is told to retry rather than shown an internal error, and the request's memory is already freed.
     */
    @ExceptionHandler(OutOfMemoryError.class)
    ResponseEntity<ProblemDetail> outOfMemory(OutOfMemoryError error) {
        log.warn(
                "A request ran out of memory ({}); answered 503. Lower visage.limits.* or raise the heap",
                error.getMessage());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, OUT_OF_MEMORY_RETRY_SECONDS);
        return Problems.response(
                Problems.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "busy",
                        "Busy",
                        "The service ran short of memory for this request; try again shortly"),
                headers);
    }
}
