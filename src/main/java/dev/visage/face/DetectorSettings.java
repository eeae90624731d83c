package dev.visage.face;

import java.util.Objects;

/**
 * How the {@link FaceDetector} searches.
 *
 * @param cascade classpath resource of the cascade XML (new-style cascades, such as {@link FaceDetector}'s constants)
 * @param detectionSide longest side of the reduced copy the cascade scans; smaller photos are not enlarged
 * @param scaleFactor step between the scanned window sizes (above 1; larger is faster and coarser)
 * @param retryScaleFactor the step of a second, finer scan when the first finds no face (0: none); it finds
 *     faces that fall between the first scan's window sizes, at the cost of a second scan of faceless photos
 * @param minNeighbors fewest raw windows that must agree on a face (higher drops weak boxes)
 * @param minFaceSize smallest face side reported, in pixels of the original photo
 * @param minDetectionSize smallest window side scanned, in pixels of the reduced copy (never below the cascade's
 *     own window); faces that shrink below it are not searched for, which bounds the work at the small scales
 * @param maxFaces most boxes returned (the largest ones)
 */
public record DetectorSettings(
        String cascade,
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

    /** The setting chosen with {@code DetectionBench} (docs/detection-report.md). */
    public static DetectorSettings defaults() {
        return new DetectorSettings(FaceDetector.HAAR_FRONTALFACE_ALT2, 640, 1.3, 1.15, 3, 60, 24, 16);
    }

    public DetectorSettings withCascade(String newCascade) {
        return new DetectorSettings(
                newCascade,
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
                cascade, newSide, scaleFactor, retryScaleFactor, minNeighbors, minFaceSize, minDetectionSize, maxFaces);
    }

    public DetectorSettings withScaleFactor(double newScale) {
        return new DetectorSettings(
                cascade,
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
                cascade, detectionSide, scaleFactor, newRetry, minNeighbors, minFaceSize, minDetectionSize, maxFaces);
    }

    public DetectorSettings withMinNeighbors(int newMinNeighbors) {
        return new DetectorSettings(
                cascade,
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
                detectionSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                minDetectionSize,
                newMaxFaces);
    }
}
