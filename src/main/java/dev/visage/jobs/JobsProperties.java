package dev.visage.jobs;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.jobs.*}: limits of the training API.
 *
 * @param maxRequestSize the largest {@code POST /train} body (413 above)
 */
@Validated
@ConfigurationProperties(prefix = "visage.jobs", ignoreUnknownFields = false)
public record JobsProperties(@NotNull @DefaultValue("64KB") DataSize maxRequestSize) {}
