package dev.visage.face;

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
 * @param minFaceSize smallest face searched for and identified, in photo pixels (the cascade's work grows steeply
 *     with every smaller window size it scans); a face sent without detection whose box is smaller is listed as
 *     too small
 */
@Validated
@ConfigurationProperties(prefix = "visage.detection", ignoreUnknownFields = false)
public record DetectionProperties(
        @NotNull @DefaultValue("haar-alt2") Cascade cascade,
        @NotNull @DefaultValue("lbp") Proposals proposals,
        @Min(0) @Max(4096) @DefaultValue("40") int minFaceSize) {

    /** Most boxes the detector returns, the largest ones: bounds the answer for a crowd. */
    public static final int MAX_BOXES = 100;

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

    /**
     * The detector's settings: the configured cascades and face size, and the rest of the scan as chosen with
     * {@code DetectionBench} ({@link DetectorSettings} says what each value does).
     */
    public DetectorSettings toSettings() {
        return new DetectorSettings(
                cascade.resource(), proposals.resource(), 640, 1600, 1.3, 1.15, 3, minFaceSize, 24, MAX_BOXES);
    }
}
