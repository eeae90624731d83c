package dev.visage.jobs;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.gate.*}: the quality gate a trained model must pass to go into service by itself.
 *
 * @param tolerance how far (as a share, 0.005 = 0.5 points) a new model's test accuracy, and each open-set
 *        figure, may fall below the serving model's
 * @param minAccuracy the least test accuracy a model needs, whatever serves now
 */
@Validated
@ConfigurationProperties(prefix = "visage.gate", ignoreUnknownFields = false)
public record GateProperties(
        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.005")
        double tolerance,

        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.5")
        double minAccuracy) {}
