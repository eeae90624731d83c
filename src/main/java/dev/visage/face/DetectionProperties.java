package dev.visage.face;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.detection.*}: how faces are found in photos (see docs/benchmarks.md for how the defaults were
 * chosen).
 *
 * @param cascade which of OpenCV's cascades: {@code haar-alt2}, {@code haar-default}, {@code lbp} or
 *     {@code lbp-improved}
 * @param proposals the cheaper cascade whose boxes {@code cascade} checks instead of scanning the whole photo
 *     itself: {@code lbp}, or {@code none} ({@code cascade} scans the whole photo)
 * @param detectionSide longest side of the reduced copy the cascade scans
 * @param scaleFactor step between scanned window sizes
 * @param retryScaleFactor step of a second, finer scan of photos where the first found no face (0: none)
 * @param minNeighbors fewest agreeing windows for a face
 * @param minFaceSize smallest face searched for, in photo pixels: the cascade's work grows steeply with every smaller
 *     window size it scans
 * @param minWindow smallest window scanned, in pixels of the reduced copy: bounds the work on the largest photos
 * @param maxFaces most boxes the detector returns, the largest ones
 */
@Validated
@ConfigurationProperties(prefix = "visage.detection", ignoreUnknownFields = false)
public record DetectionProperties(
        @NotNull @DefaultValue("haar-alt2") Cascade cascade,
        @NotNull @DefaultValue("lbp") Proposals proposals,
        @Min(64) @Max(4096) @DefaultValue("640") int detectionSide,

        @DecimalMin("1.01") @DecimalMax("2.0") @DefaultValue("1.3")
        double scaleFactor,

        @DecimalMin("0.0") @DecimalMax("2.0") @DefaultValue("1.15")
        double retryScaleFactor,

        @Min(1) @Max(50) @DefaultValue("3") int minNeighbors,
        @Min(0) @Max(4096) @DefaultValue("48") int minFaceSize,
        @Min(1) @Max(512) @DefaultValue("24") int minWindow,
        @Min(1) @Max(1000) @DefaultValue("100") int maxFaces) {

    /** The cascades OpenCV ships, by their configuration names. */
    public enum Cascade {
        HAAR_ALT2(FaceDetector.HAAR_FRONTALFACE_ALT2),
        HAAR_DEFAULT(FaceDetector.HAAR_FRONTALFACE_DEFAULT),
        LBP(FaceDetector.LBP_FRONTALFACE),
        LBP_IMPROVED(FaceDetector.LBP_FRONTALFACE_IMPROVED);

        private final String resource;

        Cascade(String resource) {
            this.resource = resource;
        }

        public String resource() {
            return resource;
        }
    }

    /** Which cascade proposes the boxes that {@code cascade} checks. */
    public enum Proposals {
        NONE(null),
        LBP(FaceDetector.LBP_FRONTALFACE);

        private final String resource;

        Proposals(String resource) {
            this.resource = resource;
        }

        /** The cascade's classpath resource; null for none. */
        public String resource() {
            return resource;
        }
    }

    /** The detector's settings. */
    public DetectorSettings toSettings() {
        return new DetectorSettings(
                cascade.resource(),
                proposals.resource(),
                detectionSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                minWindow,
                maxFaces);
    }
}
