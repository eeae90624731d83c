package dev.visage.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}; otherwise answers 401 with
 * {@code WWW-Authenticate} (RFC 6750), as a problem detail. It runs before the body is read or validated.
 */
final class AdminTokenInterceptor implements HandlerInterceptor {

    private static final String BEARER = "Bearer ";

    private final byte[] token;

    AdminTokenInterceptor(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthorized("This endpoint needs an Authorization: Bearer <admin token> header", "Bearer");
        }
        byte[] presented = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        // Constant time, so response times do not reveal how much of a guess was right.
        if (!MessageDigest.isEqual(token, presented)) {
            throw unauthorized("The bearer token is not the admin token", "Bearer error=\"invalid_token\"");
        }
        return true;
    }

    private static ErrorResponseException unauthorized(String detail, String challenge) {
        ErrorResponseException unauthorized = new ErrorResponseException(
                HttpStatus.UNAUTHORIZED, ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, detail), null);
        unauthorized.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        return unauthorized;
    }
}
