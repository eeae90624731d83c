package dev.visage.web;

import dev.visage.system.DomainError;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Renders every error as RFC 9457 {@code application/problem+json}: the domain's errors as they describe themselves
 * ({@link DomainError}), Spring MVC's own errors, validation errors with the offending fields and, as a last resort,
 * unexpected failures (500, logged).
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())))
                .toList();
        return handleExceptionInternal(ex, invalidRequest(ex.getBody(), errors), headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = ex.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> Map.of(
                                "field", parameterName(result), "message", String.valueOf(error.getDefaultMessage()))))
                .toList();
        return handleExceptionInternal(ex, invalidRequest(ex.getBody(), errors), headers, status, request);
    }

    /** A parameter that does not convert (e.g. {@code top=abc}): the problem names it in {@code errors}. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name =
                ex instanceof MethodArgumentTypeMismatchException argument ? argument.getName() : ex.getPropertyName();
        String type = ex.getRequiredType() == null
                ? "the expected type"
                : ex.getRequiredType().getSimpleName();
        String message = "cannot be read as " + type + " from '" + ex.getValue() + "'";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, message);
        return handleExceptionInternal(
                ex,
                invalidRequest(problem, List.of(Map.of("field", String.valueOf(name), "message", message))),
                headers,
                HttpStatus.BAD_REQUEST,
                request);
    }

    /** A body that does not bind: the problem names the field when the JSON parser knows it. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        DomainError domain = causeOf(ex, DomainError.class);
        if (domain != null) {
            return described(ex, domain, request);
        }
        JacksonException json = causeOf(ex, JacksonException.class);
        if (json == null || json.getPath().isEmpty()) {
            return super.handleHttpMessageNotReadable(ex, headers, status, request);
        }
        String field = json.getPath().stream()
                .map(reference -> reference.getPropertyName() != null
                        ? reference.getPropertyName()
                        : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        IllegalArgumentException refused = causeOf(ex, IllegalArgumentException.class);
        String message = refused != null
                ? refused.getMessage()
                : json instanceof UnrecognizedPropertyException
                        ? "is not a field of this request"
                        : json.getOriginalMessage();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, message);
        return handleExceptionInternal(
                ex,
                invalidRequest(problem, List.of(Map.of("field", field, "message", String.valueOf(message)))),
                headers,
                HttpStatus.BAD_REQUEST,
                request);
    }

    private static <T> T causeOf(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static ProblemDetail invalidRequest(ProblemDetail problem, List<Map<String, String>> errors) {
        problem.setType(Problems.type("invalid-request"));
        problem.setProperty("errors", errors);
        problem.setDetail("Invalid request: "
                + errors.stream()
                        .map(error -> error.get("field") + " " + error.get("message"))
                        .toList());
        return problem;
    }

    private static String parameterName(ParameterValidationResult result) {
        String name = result.getMethodParameter().getParameterName();
        return name == null ? "argument " + result.getMethodParameter().getParameterIndex() : name;
    }

    /** A domain error as it describes itself; anything else is unexpected: 500, logged. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleOther(Exception ex, WebRequest request) {
        if (ex instanceof DomainError error) {
            return described(ex, error, request);
        }
        log.error("Unexpected error on {}", request.getDescription(false), ex);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred; it has been logged");
        return render(ex, problem, new HttpHeaders(), request);
    }

    private ResponseEntity<Object> render(
            Exception ex, ProblemDetail problem, HttpHeaders headers, WebRequest request) {
        return handleExceptionInternal(ex, problem, headers, HttpStatusCode.valueOf(problem.getStatus()), request);
    }

    private ResponseEntity<Object> described(Exception ex, DomainError error, WebRequest request) {
        DomainError.Problem described = error.problem();
        ProblemDetail problem = Problems.of(
                HttpStatusCode.valueOf(described.status()), described.type(), described.title(), error.getMessage());
        described.properties().forEach(problem::setProperty);
        HttpHeaders headers = new HttpHeaders();
        if (described.retryAfterSeconds() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(described.retryAfterSeconds()));
        }
        if (described.closesConnection()) {
            // The rest of the body is not read: the connection cannot carry another request.
            headers.setConnection("close");
        }
        return render(ex, problem, headers, request);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(
            Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        return ResponseEntity.status(statusCode)
                .headers(headers)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(body);
    }
}
