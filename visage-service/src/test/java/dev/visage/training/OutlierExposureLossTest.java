package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The training loss: smoothed cross-entropy for known faces, a uniform target for outliers, a cosine margin. */
class OutlierExposureLossTest {

    private static final float[][] LOGITS = {{2, 1, -1}, {0.5f, 3, 0}, {1, 1, 2}};
    private static final float[] LABELS = {0, 1, -1};

    @Test
    void theMarginLowersOnlyTheTrueClassOfKnownFaces() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float margin = 3.2f;
            float[][] lowered = {{2 - margin, 1, -1}, {0.5f, 3 - margin, 0}, {1, 1, 2}};

            float withMargin = loss(new OutlierExposureLoss(0.1f, 0.5f, margin), LOGITS, manager);
            float byHand = loss(new OutlierExposureLoss(0.1f, 0.5f, 0), lowered, manager);

            assertThat(withMargin).isCloseTo(byHand, within(1e-5f));
            assertThat(withMargin).isGreaterThan(loss(new OutlierExposureLoss(0.1f, 0.5f, 0), LOGITS, manager));
        }
    }

    @Test
    void knownFacesTakeTheSmoothedCrossEntropyAndOutliersTheWeightedUniformOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float smoothing = 0.1f;
            float outlierWeight = 0.5f;
            double expected = 0;
            for (int i = 0; i < LOGITS.length; i++) {
                double[] log = logSoftmax(LOGITS[i]);
                double uniform = -(log[0] + log[1] + log[2]) / 3;
                expected += LABELS[i] < 0
                        ? outlierWeight * uniform
                        : -(1 - smoothing) * log[(int) LABELS[i]] + smoothing * uniform;
            }

            float loss = loss(new OutlierExposureLoss(smoothing, outlierWeight, 0), LOGITS, manager);

            assertThat((double) loss).isCloseTo(expected / LOGITS.length, within(1e-5));
        }
    }

    private static float loss(OutlierExposureLoss loss, float[][] logits, NDManager manager) {
        NDArray labels = manager.create(LABELS);
        return loss.evaluate(new NDList(labels), new NDList(manager.create(logits)))
                .getFloat();
    }

    private static double[] logSoftmax(float[] row) {
        double sum = 0;
        for (float value : row) {
            sum += Math.exp(value);
        }
        double[] log = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            log[i] = row[i] - Math.log(sum);
        }
        return log;
    }
}
