package dev.visage.face;

import java.util.Objects;

/**
 * How the {@link FaceDetector} searches.
 *
 * @param cascade classpath resource of the cascade XML (new-style cascades, such as {@link FaceDetector}'s constants)
 * @param proposalCascade a faster cascade whose boxes {@code cascade} then checks near each box, instead of
 *     scanning the whole photo with {@code cascade}; {@code null}: {@code cascade} scans the whole photo
 * @param detectionSide longest side of the reduced copy the cascade scans, unless a face of {@code minFaceSize}
 *     would then span fewer than {@value #SMALLEST_FACE_WINDOWS} of the smallest windows: the copy is then as large
 *     as that face needs, up to {@code maxDetectionSide} ({@link #scannedSide}); smaller photos are not enlarged
 * @param maxDetectionSide longest side of the reduced copy however small {@code minFaceSize} is: bounds the work
 *     on very large photos, where the smallest face found then grows with the photo
 * @param scaleFactor step between the scanned window sizes (above 1; larger is faster and coarser)
 * @param retryScaleFactor the step of a second scan when the first finds no face (0: none): with a proposal
 *     cascade, its proposals again at this step on a coarser copy, checked as in the first scan; without one,
 *     {@code cascade} over the whole photo at this finer step. It finds faces that fall between the first scan's
 *     window sizes or that its proposals missed, at the cost of a second scan of faceless photos
 * @param minNeighbors fewest raw windows that must agree on a face (higher drops weak boxes)
 * @param minFaceSize smallest face side searched for and reported, in pixels of the original photo
 * @param minWindow smallest window side scanned, in pixels of the reduced copy (never below the cascade's
 *     own window); faces that shrink below it are not searched for, which bounds the work at the small scales
 * @param maxBoxes most boxes returned (the largest ones): bounds the answer for a crowd; how many of them are
 *     identified is {@code visage.identify.max-faces}
 */
public record DetectorSettings(
        String cascade,
        String proposalCascade,
        int detectionSide,
        int maxDetectionSide,
        double scaleFactor,
        double retryScaleFactor,
        int minNeighbors,
        int minFaceSize,
        int minWindow,
        int maxBoxes) {

    public DetectorSettings {
        Objects.requireNonNull(cascade, "cascade");
        if (detectionSide < 32) {
            throw new IllegalArgumentException("detectionSide must be at least 32, not " + detectionSide);
        }
        if (maxDetectionSide < detectionSide) {
            throw new IllegalArgumentException(
                    "maxDetectionSide must be at least detectionSide, not " + maxDetectionSide);
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
        if (minFaceSize < 0 || minWindow < 0) {
            throw new IllegalArgumentException("Minimum face sizes must not be negative");
        }
        if (maxBoxes < 1) {
            throw new IllegalArgumentException("maxBoxes must be at least 1, not " + maxBoxes);
        }
    }

    /**
     * How many of the smallest windows ({@code minWindow}) the smallest face searched spans in the reduced copy, where
     * the photo is large enough: the proposals are scanned on a further reduced copy anyway, but the main cascade,
     * which checks them, misses many faces barely larger than its window (FaceDetectorTest).
     */
    public static final int SMALLEST_FACE_WINDOWS = 2;

    /**
     * Longest side of the reduced copy scanned for a photo whose longest side is {@code longest}: {@code
     * detectionSide}, or larger where the smallest face searched would otherwise span fewer than {@value
     * #SMALLEST_FACE_WINDOWS} windows of {@code minWindow}, never more than {@code maxDetectionSide} nor the photo's
     * own side.
     */
    public int scannedSide(int longest) {
        long forSmallestFace = minFaceSize == 0
                ? detectionSide
                : (long) Math.ceil((double) longest * SMALLEST_FACE_WINDOWS * Math.max(1, minWindow) / minFaceSize);
        return (int) Math.min(longest, Math.max(detectionSide, Math.min(maxDetectionSide, forSmallestFace)));
    }
}
