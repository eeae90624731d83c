package dev.visage.web;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.admin.*}: who may use the admin endpoints.
 *
 * @param token the bearer token admin requests must send (env {@code VISAGE_ADMIN_TOKEN}); when blank, a random
 *        token is generated at start-up and logged once at WARN
 * @param protectedPaths path patterns that require the token (env {@code VISAGE_ADMIN_PROTECTED_PATHS},
 *        comma-separated)
 * @param maxFailures wrong tokens a client address may send in one window before it gets 429
 * @param failureWindow the window over which wrong tokens are counted, and how long an address is then refused
 */
@Validated
@ConfigurationProperties(prefix = "visage.admin", ignoreUnknownFields = false)
record AdminProperties(
        String token,

        @NotEmpty @DefaultValue({"/train", "/train/**", "/models", "/models/**", "/people", "/people/**"})
        List<String> protectedPaths,

        @Min(1) @DefaultValue("10") int maxFailures,
        @NotNull @DefaultValue("1m") Duration failureWindow) {}
