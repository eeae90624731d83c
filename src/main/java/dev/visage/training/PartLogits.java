package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The network's logits for every image of an evaluation part, in order and in inference mode (so mirror-averaged,
 * as serving computes them), with the scores derived from them.
 */
record PartLogits(float[][] logits) {

    static PartLogits of(Trainer trainer, ArrayDataset part) throws IOException, TranslateException {
        List<float[]> rows = new ArrayList<>();
        for (Batch batch : trainer.iterateDataset(part)) {
            try (batch) {
                NDArray logits = trainer.evaluate(batch.getData()).singletonOrThrow();
                int classes = (int) logits.getShape().get(1);
                float[] flat = logits.toFloatArray();
                for (int i = 0; i < flat.length / classes; i++) {
                    float[] row = new float[classes];
                    System.arraycopy(flat, i * classes, row, 0, classes);
                    rows.add(row);
                }
            }
        }
        return new PartLogits(rows.toArray(float[][]::new));
    }

    int size() {
        return logits.length;
    }

    /** The predicted class of each image. */
    int[] predicted() {
        int[] predicted = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            for (int c = 1; c < logits[i].length; c++) {
                if (logits[i][c] > logits[i][predicted[i]]) {
                    predicted[i] = c;
                }
            }
        }
        return predicted;
    }

    /** The top softmax probability of each image: the answer's {@code confidence}. */
    double[] maxProbability() {
        double[] scores = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            scores[i] = Math.exp(max(logits[i]) - logSumExp(logits[i]));
        }
        return scores;
    }

    /** The negative free energy of each image, log-sum-exp of its logits: higher for the people the model knows. */
    double[] energy() {
        double[] scores = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            scores[i] = logSumExp(logits[i]);
        }
        return scores;
    }

    private static double max(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float value : row) {
            max = Math.max(max, value);
        }
        return max;
    }

    private static double logSumExp(float[] row) {
        double max = max(row);
        double sum = 0;
        for (float value : row) {
            sum += Math.exp(value - max);
        }
        return max + Math.log(sum);
    }
}
