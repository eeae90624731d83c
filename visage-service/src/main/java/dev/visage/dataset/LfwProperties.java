package dev.visage.dataset;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.lfw.*}: where the LFW images are, and where to get them when they are not there.
 *
 * @param dir the extracted folder of people folders (env {@code VISAGE_LFW_DIR})
 * @param variant which LFW images to download: original, funneled or deepfunneled
 * @param download whether to download the variant's archive when {@code dir} is missing
 * @param downloadUrl a mirror of the variant's archive (default: the official address)
 */
@Validated
@ConfigurationProperties(prefix = "visage.lfw", ignoreUnknownFields = false)
public record LfwProperties(
        @NotNull @DefaultValue("data/lfw-deepfunneled") Path dir,
        @NotNull @DefaultValue("deepfunneled") LfwVariant variant,
        @DefaultValue("true") boolean download,
        URI downloadUrl) {}
