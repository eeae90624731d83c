package dev.visage.store;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.models.*}: where models are stored.
 *
 * @param dir the store's folder (env {@code VISAGE_MODELS_DIR})
 * @param keep how many versions to keep; older ones are deleted after each new one
 */
@Validated
@ConfigurationProperties("visage.models")
public record ModelStoreProperties(
        @NotNull @DefaultValue("models") Path dir,
        @Min(1) @DefaultValue("5") int keep) {}
