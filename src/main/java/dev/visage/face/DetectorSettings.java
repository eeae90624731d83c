package dev.visage.face;

import java.util.Objects;

/**
 * How the {@link FaceDetector} searches.
 *
 * @param cascade classpath resource of the cascade XML (new-style cascades, such as {@link FaceDetector}'s constants)
 * @param proposalCascade a faster cascade whose boxes {@code cascade} then checks near each box, instead of
 *     scanning the whole photo with {@code cascade}; {@code null}: {@code cascade} scans the whole photo
 * @param detectionSide longest side of the reduced copy the cascade scans; smaller photos are not enlarged
 * @param scaleFactor step between the scanned window sizes (above 1; larger is faster and coarser)
 * @param retryScaleFactor the step of a second, finer scan of the whole photo with {@code cascade} when the first
 *     finds no face (0: none); it finds faces that fall between the first scan's window sizes or that the proposals
 *     missed, at the cost of a second scan of faceless photos
 * @param minNeighbors fewest raw windows that must agree on a face (higher drops weak boxes)
 * @param minFaceSize smallest face side reported, in pixels of the original photo
 * @param minDetectionSize smallest window side scanned, in pixels of the reduced copy (never below the cascade's
 *     own window); faces that shrink below it are not searched for, which bounds the work at the small scales
 * @param maxFaces most boxes returned (the largest ones)
 */
public record DetectorSettings(
        String cascade,
        String proposalCascade,
        int detectionSide,
        double scaleFactor,
        double retryScaleFactor,
        int minNeighbors,
        int minFaceSize,
        int minDetectionSize,
        int maxFaces) {

    public DetectorSettings {
        Objects.requireNonNull(cascade, "cascade");
        if (detectionSide < 32) {
            throw new IllegalArgumentException("detectionSide must be at least 32, not " + detectionSide);
        }
        if (!(scaleFactor >= 1.01 && scaleFactor <= 2.0)) {
            throw new IllegalArgumentException("scaleFactor must lie in [1.01, 2], not " + scaleFactor);
        }
        if (retryScaleFactor != 0 && !(retryScaleFactor >= 1.01 && retryScaleFactor <= 2.0)) {
            throw new IllegalArgumentException("retryScaleFactor must be 0 or lie in [1.01, 2]");
        }
        if (minNeighbors < 1) {
            throw new IllegalArgumentException("minNeighbors must be at least 1, not " + minNeighbors);
        }
        if (minFaceSize < 0 || minDetectionSize < 0) {
            throw new IllegalArgumentException("Minimum face sizes must not be negative");
        }
        if (maxFaces < 1) {
            throw new IllegalArgumentException("maxFaces must be at least 1, not " + maxFaces);
        }
    }

    /** The defaults of {@code visage.detection.*} ({@link DetectionProperties}), chosen with {@code DetectionBench}. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(
                FaceDetector.HAAR_FRONTALFACE_ALT2, FaceDetector.LBP_FRONTALFACE, 640, 1.3, 1.15, 3, 48, 24, 100);
    }

    public DetectorSettings withCascade(String newCascade) {
        return new DetectorSettings(
                newCascade,
                proposalCascade,
                detectionSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                minDetectionSize,
                maxFaces);
    }

    public DetectorSettings withProposalCascade(String newProposalCascade) {
        return new DetectorSettings(
                cascade,
                newProposalCascade,
                detectionSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                minDetectionSize,
                maxFaces);
    }

    public DetectorSettings withDetectionSide(int newSide) {
        return new DetectorSettings(
                cascade,
                proposalCascade,
                newSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                minDetectionSize,
                maxFaces);
    }

    public DetectorSettings withScaleFactor(double newScale) {
        return new DetectorSettings(
                cascade,
                proposalCascade,
                detectionSide,
                newScale,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                minDetectionSize,
                maxFaces);
    }

    public DetectorSettings withRetryScaleFactor(double newRetry) {
        return new DetectorSettings(
                cascade,
                proposalCascade,
                detectionSide,
                scaleFactor,
                newRetry,
                minNeighbors,
                minFaceSize,
                minDetectionSize,
                maxFaces);
    }

    public DetectorSettings withMinNeighbors(int newMinNeighbors) {
        return new DetectorSettings(
                cascade,
                proposalCascade,
                detectionSide,
                scaleFactor,
                retryScaleFactor,
                newMinNeighbors,
                minFaceSize,
                minDetectionSize,
                maxFaces);
    }

    public DetectorSettings withMinFaceSize(int newMinFaceSize) {
        return new DetectorSettings(
                cascade,
                proposalCascade,
                detectionSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                newMinFaceSize,
                minDetectionSize,
                maxFaces);
    }

    public DetectorSettings withMinDetectionSize(int newMinDetectionSize) {
        return new DetectorSettings(
                cascade,
                proposalCascade,
                detectionSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                newMinDetectionSize,
                maxFaces);
    }

    public DetectorSettings withMaxFaces(int newMaxFaces) {
        return new DetectorSettings(
                cascade,
                proposalCascade,
                detectionSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                minDetectionSize,
                newMaxFaces);
    }
}
