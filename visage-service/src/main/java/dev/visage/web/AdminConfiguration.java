package dev.visage.web;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.PathContainer;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Requires the admin bearer token on {@code visage.admin.protected-paths}. The token is {@code visage.admin.token}
 * (env {@code VISAGE_ADMIN_TOKEN}). When none is set, a random 32-byte URL-safe token is generated at start-up
 * and logged once at WARN, valid until the service stops: an unconfigured service is never open, and its
 * operator can still find the token in the log. The OpenAPI document marks the same paths as needing it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(AdminProperties.class)
@SecurityScheme(
        name = AdminConfiguration.SECURITY_SCHEME,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        description = "visage.admin.token (env VISAGE_ADMIN_TOKEN), or the token logged at start-up when unset")
class AdminConfiguration implements WebMvcConfigurer {

    static final String SECURITY_SCHEME = "adminToken";

    private static final Logger log = LoggerFactory.getLogger(AdminConfiguration.class);

    private final AdminProperties properties;
    private final AdminTokenInterceptor interceptor;

    AdminConfiguration(AdminProperties properties) {
        this.properties = properties;
        this.interceptor = new AdminTokenInterceptor(
                tokenOf(properties),
                new FailedTokenLimiter(properties.maxFailures(), properties.failureWindow(), Clock.systemUTC()));
    }

    private static String tokenOf(AdminProperties properties) {
        if (StringUtils.hasText(properties.token())) {
            return properties.token().strip();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        log.warn("Admin token not set; generated one for this run: {}", generated);
        return generated;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(interceptor).addPathPatterns(properties.protectedPaths());
    }

    /** Marks every operation under a protected path as needing the admin token, in the OpenAPI document. */
    @Bean
    OpenApiCustomizer adminSecurityRequirements() {
        List<PathPattern> patterns = properties.protectedPaths().stream()
                .map(PathPatternParser.defaultInstance::parse)
                .toList();
        return openApi -> openApi.getPaths().forEach((path, item) -> {
            PathContainer container = PathContainer.parsePath(path);
            if (patterns.stream().anyMatch(pattern -> pattern.matches(container))) {
                item.readOperations()
                        .forEach(operation ->
                                operation.addSecurityItem(new SecurityRequirement().addList(SECURITY_SCHEME)));
            }
        });
    }
}
