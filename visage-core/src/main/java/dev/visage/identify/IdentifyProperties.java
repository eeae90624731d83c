package dev.visage.identify;

import dev.visage.face.DetectionProperties;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.identify.*}: how {@code POST /identify} answers.
 *
 * @param minConfidence below this top probability the answer is "unknown"; unset, each model's own threshold,
 *     calibrated in training on people it never saw (see the README)
 * @param defaultTop candidates returned when the request does not say
 * @param maxBytes largest accepted upload (the multipart limits follow it)
 * @param maxPixels largest accepted image, in pixels, checked from the header before decoding
 * @param maxFaces most faces identified in one photo, the largest ones; others are listed unidentified (faces
 *     smaller than {@code visage.detection.min-face-size} are listed as too small)
 * @param maxBatchSize most faces in one forward pass (each goes through with its mirror image); a photo with more
 *     faces than this is passed on its own
 * @param inferenceThreads LibTorch intra-op threads of the forward passes; one leaves the other cores to the
 *     request threads, which decode the uploads (docs/benchmarks.md has the measurement)
 * @param concurrentDetections photos decoded and searched for faces at once, the others waiting their turn in
 *     arrival order (0: one per processor); photos sent with {@code detect=false} do not wait
 * @param queueCapacity most identifications waiting for a forward pass; more are refused with 503
 * @param timeout longest wait for a turn to detect, and for a forward pass
 * @param warmUp how long the service sends itself identifications before it reports ready (0: not at all)
 */
@Validated
@ConfigurationProperties(prefix = "visage.identify", ignoreUnknownFields = false)
public record IdentifyProperties(
        @DecimalMin("0.0") @DecimalMax("1.0") Float minConfidence,

        @Min(1) @DefaultValue("3") int defaultTop,
        @NotNull @DefaultValue("10MB") DataSize maxBytes,
        @Min(1) @DefaultValue("24000000") long maxPixels,

        @Min(1) @Max(DetectionProperties.MAX_BOXES) @DefaultValue("10")
        int maxFaces,

        @Min(1) @Max(1024) @DefaultValue("32") int maxBatchSize,
        @Min(1) @DefaultValue("1") int inferenceThreads,
        @Min(0) @DefaultValue("0") int concurrentDetections,
        @Min(1) @DefaultValue("1024") int queueCapacity,
        @NotNull @DefaultValue("10s") Duration timeout,
        @NotNull @DefaultValue("10s") Duration warmUp) {

    public IdentifyProperties {
        if (concurrentDetections == 0) {
            concurrentDetections = Runtime.getRuntime().availableProcessors();
        }
    }
}
