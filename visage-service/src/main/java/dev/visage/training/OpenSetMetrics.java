package dev.visage.training;

import java.util.Arrays;

/**
 * How well the model answers "unknown" for people it does not know, in {@code metrics.json}. The threshold is
 * calibrated on the validation parts (the people's validation images and outlier-validation people); the figures
 * are measured on the test part and on stranger-test people, whom nothing was trained or tuned on. The top-level
 * numbers are the higher-is-better figures that the quality gate compares between models.
 *
 * @param auroc area under the ROC curve of the top probability, test images (positive) against strangers
 * @param knownCorrect share of test images answered with the right person at the threshold
 * @param strangersUnknown share of stranger-test images answered "unknown" at the threshold
 * @param calibration how the threshold was found
 * @param energy the same figures for the energy score (log-sum-exp of the logits), calibrated the same way, for
 *     comparison
 */
public record OpenSetMetrics(
        double auroc, double knownCorrect, double strangersUnknown, Calibration calibration, ScoreFigures energy) {

    /**
     * How the served threshold was found.
     *
     * @param outlierExposure whether training showed the network outliers
     * @param backgroundPeople background people training showed as classes of their own
     * @param backgroundImages their images, which training drew batches' outliers from too
     * @param outlierTrainImages outlier images (uniform target) training drew its batches' outliers from
     * @param outlierValidationImages images the threshold was calibrated on
     * @param strangerTestImages images the stranger figures were measured on
     * @param strangerAcceptance the target: share of outlier-validation images the threshold may accept
     * @param threshold the calibrated threshold on the top probability ({@code confidence}), served unless
     *     {@code visage.identify.min-confidence} overrides it
     * @param validationOutliersAccepted share of outlier-validation images accepted at the threshold
     * @param validationKnownCorrect share of validation images answered with the right person at the threshold
     */
    public record Calibration(
            boolean outlierExposure,
            int backgroundPeople,
            int backgroundImages,
            int outlierTrainImages,
            int outlierValidationImages,
            int strangerTestImages,
            double strangerAcceptance,
            float threshold,
            double validationOutliersAccepted,
            double validationKnownCorrect) {}

    /** The outsiders that training showed the network: background people with their images, and other outliers. */
    record Shown(int backgroundPeople, int backgroundImages, int outlierImages) {

        static final Shown NONE = new Shown(0, 0, 0);

        /** Images shown: the background people's and the other outliers. */
        int images() {
            return backgroundImages + outlierImages;
        }
    }

    /** Figures of one score calibrated like the served one. */
    public record ScoreFigures(double threshold, double auroc, double knownCorrect, double strangersUnknown) {}

    /** The served threshold. */
    public float threshold() {
        return calibration.threshold();
    }

    /**
     * Calibrates the threshold on the validation parts and measures it on the test part and the strangers.
     *
     * @param shown the outsiders training showed the network (none without outlier exposure)
     * @param validationTruth the people's validation images' classes, in {@code validation}'s order
     * @param testTruth the test images' classes, in {@code test}'s order
     */
    static OpenSetMetrics measure(
            TrainingConfig.OpenSet config,
            Shown shown,
            PartLogits validation,
            int[] validationTruth,
            PartLogits outlierValidation,
            PartLogits test,
            int[] testTruth,
            PartLogits strangers) {
        double acceptance = config.strangerAcceptance();
        double[] outlierScores = outlierValidation.maxProbability();
        float threshold = (float) calibrate(outlierScores, acceptance);
        double[] testScores = test.maxProbability();
        double[] strangerScores = strangers.maxProbability();
        double energyThreshold = calibrate(outlierValidation.energy(), acceptance);
        double[] testEnergy = test.energy();
        double[] strangerEnergy = strangers.energy();
        return new OpenSetMetrics(
                auroc(testScores, strangerScores),
                correctAndAccepted(testTruth, test.predicted(), testScores, threshold),
                1 - accepted(strangerScores, threshold),
                new Calibration(
                        config.exposesOutliers(),
                        shown.backgroundPeople(),
                        shown.backgroundImages(),
                        shown.outlierImages(),
                        outlierValidation.size(),
                        strangers.size(),
                        acceptance,
                        threshold,
                        accepted(outlierScores, threshold),
                        correctAndAccepted(
                                validationTruth, validation.predicted(), validation.maxProbability(), threshold)),
                new ScoreFigures(
                        energyThreshold,
                        auroc(testEnergy, strangerEnergy),
                        correctAndAccepted(testTruth, test.predicted(), testEnergy, energyThreshold),
                        1 - accepted(strangerEnergy, energyThreshold)));
    }

    /**
     * The threshold that accepts at most {@code acceptance} of the outliers' faces (a score is accepted when it is
     * at least the threshold): the next float above the score of the first outlier that must be refused, so that
     * the served threshold, a float, refuses it too. Photos where no face was found (scored negative infinity)
     * are left out: serving never names them, whatever the threshold.
     */
    static double calibrate(double[] outlierScores, double acceptance) {
        double[] descending = Arrays.stream(outlierScores)
                .filter(score -> score > Double.NEGATIVE_INFINITY)
                .boxed()
                .sorted((a, b) -> Double.compare(b, a))
                .mapToDouble(Double::doubleValue)
                .toArray();
        int allowed = (int) Math.floor(acceptance * descending.length);
        return allowed >= descending.length ? Double.NEGATIVE_INFINITY : Math.nextUp((float) descending[allowed]);
    }

    /** Share of {@code scores} at or above {@code threshold}. */
    static double accepted(double[] scores, double threshold) {
        return Arrays.stream(scores).filter(s -> s >= threshold).count() / (double) scores.length;
    }

    /** Share of images answered with the right person: predicted right, with a score at or above the threshold. */
    static double correctAndAccepted(int[] truth, int[] predicted, double[] scores, double threshold) {
        int hits = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == predicted[i] && scores[i] >= threshold) {
                hits++;
            }
        }
        return (double) hits / truth.length;
    }

    /** Area under the ROC curve: the chance that a random positive scores above a random negative (ties half). */
    static double auroc(double[] positives, double[] negatives) {
        double[] sorted = negatives.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double p : positives) {
            int below = lowerBound(sorted, p);
            int notAbove = upperBound(sorted, p);
            sum += below + (notAbove - below) / 2.0;
        }
        return sum / ((double) positives.length * negatives.length);
    }

    private static int lowerBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static int upperBound(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] <= value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
