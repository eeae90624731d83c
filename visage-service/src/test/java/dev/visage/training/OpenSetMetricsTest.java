package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.visage.dataset.OutsiderSample;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Threshold calibration and the open-set figures, on scores whose answers are known. */
class OpenSetMetricsTest {

    @Test
    void theCalibratedThresholdAcceptsAtMostTheTargetShareOfOutliers() {
        Random random = new Random(1);
        for (int round = 0; round < 50; round++) {
            double[] outliers = new double[1 + random.nextInt(400)];
            for (int i = 0; i < outliers.length; i++) {
                // Coarse values, so that ties occur.
                outliers[i] = Math.round(random.nextDouble() * 20) / 20.0;
            }
            double acceptance = 0.01 + 0.2 * random.nextDouble();

            double threshold = OpenSetMetrics.calibrate(outliers, acceptance);

            assertThat(OpenSetMetrics.accepted(outliers, threshold)).isLessThanOrEqualTo(acceptance);
        }
    }

    @Test
    void theThresholdSitsJustAboveTheFirstOutlierItMustRefuse() {
        double[] outliers = {0.1, 0.9, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.35};

        // 10 % of 10: one may pass (0.9), 0.8 must not.
        assertThat(OpenSetMetrics.calibrate(outliers, 0.1)).isEqualTo(Math.nextUp(0.8f));
        // Less than one in ten: none may pass.
        assertThat(OpenSetMetrics.calibrate(outliers, 0.05)).isEqualTo(Math.nextUp(0.9f));
    }

    @Test
    void aurocIsTheChanceThatAKnownImageScoresAboveAStranger() {
        assertThat(OpenSetMetrics.auroc(new double[] {0.9, 0.8}, new double[] {0.1, 0.2}))
                .isEqualTo(1.0);
        assertThat(OpenSetMetrics.auroc(new double[] {0.1, 0.2}, new double[] {0.9, 0.8}))
                .isEqualTo(0.0);
        // Pairs: (0.6 > 0.5) (0.6 < 0.7) (0.5 = 0.5: half) (0.5 < 0.7) -> 1.5 of 4.
        assertThat(OpenSetMetrics.auroc(new double[] {0.6, 0.5}, new double[] {0.5, 0.7}))
                .isCloseTo(0.375, within(1e-12));
    }

    @Test
    void measuresTheServedThresholdOnTheTestPartAndTheStrangers() {
        // Two classes. Logits (a, b): the top probability grows with the gap.
        PartLogits validation = new PartLogits(new float[][] {{5, 0}, {0, 5}, {1, 0}}, 2, new BitSet());
        PartLogits outlierValidation =
                new PartLogits(new float[][] {{0.1f, 0}, {0, 0.2f}, {0.3f, 0}, {0, 4}}, 2, new BitSet());
        PartLogits test = new PartLogits(new float[][] {{6, 0}, {0, 6}, {0, 0.2f}, {3, 0}}, 2, new BitSet());
        PartLogits strangers = new PartLogits(new float[][] {{0.2f, 0}, {0, 6}, {0, 0.1f}}, 2, new BitSet());
        TrainingConfig.OpenSet config = new TrainingConfig.OpenSet(new OutsiderSample(0, 0, 4, 3), 0, 0, 0.25f);

        OpenSetMetrics metrics = OpenSetMetrics.measure(
                config,
                OpenSetMetrics.Shown.NONE,
                validation,
                new int[] {0, 1, 0},
                outlierValidation,
                test,
                new int[] {0, 1, 1, 1},
                strangers);

        // One of the four outliers may pass (logit gap 4); the next one (gap 0.3) must not.
        assertThat((double) metrics.threshold()).isCloseTo(1 / (1 + Math.exp(-0.3)), within(1e-6));
        assertThat(metrics.calibration().validationOutliersAccepted()).isEqualTo(0.25);
        // Validation: both confident ones right, the gap-1 one (p 0.73) right and accepted.
        assertThat(metrics.calibration().validationKnownCorrect()).isEqualTo(1.0);
        // Test: {6,0} and {0,6} right and accepted, {0,0.2} right but below, {3,0} wrong.
        assertThat(metrics.knownCorrect()).isEqualTo(0.5);
        // Strangers: the gap-6 one is accepted, the other two are not.
        assertThat(metrics.strangersUnknown()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(metrics.calibration().outlierExposure()).isFalse();
        assertThat(metrics.auroc()).isBetween(0.0, 1.0);
        assertThat(metrics.energy().auroc()).isBetween(0.0, 1.0);
    }

    @Test
    void aPhotoWhereNoFaceWasFoundNamesNobodyAndScoresBelowEveryFace() {
        BitSet noFace = new BitSet();
        noFace.set(1);
        PartLogits test = new PartLogits(new float[][] {{6, 0}, {6, 0}}, 2, noFace);
        PartLogits strangers = new PartLogits(new float[][] {{0.1f, 0}, {6, 0}}, 2, noFace);
        TrainingConfig.OpenSet config = new TrainingConfig.OpenSet(new OutsiderSample(0, 0, 2, 2), 0, 0, 0.25f);

        OpenSetMetrics metrics = OpenSetMetrics.measure(
                config,
                OpenSetMetrics.Shown.NONE,
                test,
                new int[] {0, 0},
                strangers,
                test,
                new int[] {0, 0},
                strangers);

        assertThat(test.predicted()).containsExactly(0, Evaluation.NO_FACE);
        // Calibrated on the one stranger whose face was found: half of one face is none, so it must be refused
        // (counting the photo without a face as a refused outlier would have let every face in).
        assertThat((double) metrics.threshold()).isCloseTo(1 / (1 + Math.exp(-0.1)), within(1e-6));
        assertThat(test.maxProbability()[1]).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(test.energy()[1]).isEqualTo(Double.NEGATIVE_INFINITY);
        // The confident face without a face found is neither named right nor a stranger let in.
        assertThat(metrics.knownCorrect()).isEqualTo(0.5);
        assertThat(metrics.strangersUnknown()).isEqualTo(1.0);
    }

    @Test
    void backgroundOutputsTakeTheirShareOfTheProbabilityButAreNeverTheAnswer() {
        // Two people, then one background class.
        PartLogits logits = new PartLogits(new float[][] {{0, 1, 10}, {2, 0, 0}}, 2, new BitSet());

        assertThat(logits.predicted()).containsExactly(1, 0);
        double[] confidence = logits.maxProbability();
        assertThat(confidence[0]).isCloseTo(Math.E / (1 + Math.E + Math.exp(10)), within(1e-9));
        assertThat(confidence[1]).isCloseTo(Math.exp(2) / (Math.exp(2) + 2), within(1e-9));
        // The energy is the people's alone: log(e^0 + e^1) for the first image.
        assertThat(logits.energy()[0]).isCloseTo(Math.log(1 + Math.E), within(1e-9));
    }
}
