package dev.visage.web;

import jakarta.validation.constraints.NotEmpty;
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
 */
@Validated
@ConfigurationProperties("visage.admin")
record AdminProperties(
        String token,

        @NotEmpty @DefaultValue({"/train", "/train/**", "/models", "/models/**"})
        List<String> protectedPaths) {}
