package dev.visage.training;

import java.util.List;

/**
 * What a run measured, written to {@code metrics.json} beside the model.
 *
 * @param testAccuracy share of test images classified correctly
 * @param balancedAccuracy mean per-person recall on the test part
 * @param macroF1 mean per-person F1 on the test part
 * @param test the full test evaluation (per-person scores, confusion matrix)
 * @param validationAccuracy validation accuracy of the kept epoch
 * @param bestEpoch the epoch whose weights were kept
 * @param epochs epochs actually run
 * @param trainImages images in the training part
 * @param parameterCount trainable values in the network
 * @param dataSeconds time to list, decode, frame and crop all images
 * @param framing how the images' faces were framed
 * @param trainSeconds time spent in training epochs (steps and validation)
 * @param trainImagesPerSecond training images per second of step time, median over epochs
 * @param history per-epoch figures
 * @param openSet the calibrated threshold and how it tells the people from strangers; null when the split sampled
 *     no outsiders
 */
public record TrainingMetrics(
        double testAccuracy,
        double balancedAccuracy,
        double macroF1,
        Evaluation test,
        double validationAccuracy,
        int bestEpoch,
        int epochs,
        int trainImages,
        long parameterCount,
        double dataSeconds,
        Framing framing,
        double trainSeconds,
        double trainImagesPerSecond,
        List<EpochSummary> history,
        OpenSetMetrics openSet) {

    /**
     * How the faces of the split's images were framed for cropping.
     *
     * @param detected images framed around the face the detector found, as serving frames uploads
     * @param centred images framed by their centre: detection off, or no face found
     */
    public record Framing(int detected, int centred) {}

    /** The metrics of a run whose kept epoch scored {@code test} on the test part. */
    static TrainingMetrics of(
            Evaluation test,
            double validationAccuracy,
            int bestEpoch,
            List<EpochSummary> history,
            long parameterCount,
            double dataSeconds,
            Framing framing,
            double trainSeconds,
            double trainImagesPerSecond,
            int trainImages,
            OpenSetMetrics openSet) {
        return new TrainingMetrics(
                test.accuracy(),
                test.balancedAccuracy(),
                test.macroF1(),
                test,
                validationAccuracy,
                bestEpoch,
                history.size(),
                trainImages,
                parameterCount,
                dataSeconds,
                framing,
                trainSeconds,
                trainImagesPerSecond,
                List.copyOf(history),
                openSet);
    }
}
