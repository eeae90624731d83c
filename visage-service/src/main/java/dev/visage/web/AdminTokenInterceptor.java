package dev.visage.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}; otherwise answers 401 with
 * {@code WWW-Authenticate} (RFC 6750), as a problem detail. It runs before the body is read or validated. Every
 * wrong token is logged (the address and the path, never what was sent) and counted per client address: past
 * {@code visage.admin.max-failures} in a window, the address gets 429 with Retry-After until the window ends.
 */
final class AdminTokenInterceptor implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenInterceptor.class);
    private static final String BEARER = "Bearer ";

    private final byte[] token;
    private final FailedTokenLimiter limiter;

    AdminTokenInterceptor(String token, FailedTokenLimiter limiter) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.limiter = limiter;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String address = request.getRemoteAddr();
        long blockedMillis = limiter.blockedFor(address);
        if (blockedMillis > 0) {
            throw tooManyFailures(blockedMillis);
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw unauthorized("This endpoint needs an Authorization: Bearer <admin token> header", "Bearer");
        }
        byte[] presented = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        // Constant time, so response times do not reveal how much of a guess was right.
        if (!MessageDigest.isEqual(token, presented)) {
            int failures = limiter.recordFailure(address);
            log.warn(
                    "Wrong admin token from {} on {} {} ({} of {} allowed in the window{})",
                    address,
                    request.getMethod(),
                    request.getRequestURI(),
                    failures,
                    limiter.maxFailures(),
                    failures >= limiter.maxFailures() ? "; refusing this address until the window ends" : "");
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

    private static ErrorResponseException tooManyFailures(long blockedMillis) {
        long seconds = Math.max(1, (blockedMillis + 999) / 1000);
        ProblemDetail problem = Problems.of(
                HttpStatus.TOO_MANY_REQUESTS,
                "too-many-token-failures",
                "Too many wrong admin tokens",
                "Too many wrong admin tokens from this address; try again in " + seconds + " s");
        ErrorResponseException refused = new ErrorResponseException(HttpStatus.TOO_MANY_REQUESTS, problem, null);
        refused.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        return refused;
    }
}
