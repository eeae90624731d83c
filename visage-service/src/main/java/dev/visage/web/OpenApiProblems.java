package dev.visage.web;

import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** In the OpenAPI document every error answer (4xx, 5xx) is a problem, as {@link ProblemDetailsAdvice} renders it. */
@Configuration(proxyBeanMethods = false)
class OpenApiProblems {

    @Bean
    OpenApiCustomizer errorsAreProblems() {
        return openApi -> openApi.getPaths()
                .values()
                .forEach(path -> path.readOperations()
                        .forEach(operation -> operation.getResponses().forEach((code, response) -> {
                            if (code.startsWith("4") || code.startsWith("5")) {
                                response.setContent(new Content()
                                        .addMediaType(
                                                org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                                                new MediaType()));
                            }
                        })));
    }
}
