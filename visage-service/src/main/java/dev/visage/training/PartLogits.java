package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.TranslateException;
import dev.visage.dataset.LfwImages;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The network's logits for every image of an evaluation part, in order and in inference mode (so mirror-averaged,
 * as serving computes them), with the answers and scores derived from them. The first {@code people} outputs are
 * the model's people, any after them background classes: answers name only the people, and the probability that
 * the background classes take counts as someone else's, as in serving. An image where no face was found names
 * nobody, whatever its centred crop's logits: its prediction is {@link Evaluation#NO_FACE}, its scores the lowest.
 *
 * @param noFace the images where no face was found
 */
record PartLogits(float[][] logits, int people, BitSet noFace) {

    /** The logits of {@code part}'s images, in {@code images}' order. */
    static PartLogits of(Trainer trainer, ArrayDataset part, LfwImages images, int people)
            throws IOException, TranslateException {
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
        return new PartLogits(rows.toArray(float[][]::new), people, images.noFace());
    }

    int size() {
        return logits.length;
    }

    /** The predicted person of each image. */
    int[] predicted() {
        int[] predicted = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            if (noFace.get(i)) {
                predicted[i] = Evaluation.NO_FACE;
                continue;
            }
            for (int c = 1; c < people; c++) {
                if (logits[i][c] > logits[i][predicted[i]]) {
                    predicted[i] = c;
                }
            }
        }
        return predicted;
    }

    /** The top person's softmax probability of each image: the answer's {@code confidence}. */
    double[] maxProbability() {
        double[] scores = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            scores[i] = noFace.get(i)
                    ? Double.NEGATIVE_INFINITY
                    : Math.exp(max(logits[i], people) - logSumExp(logits[i], logits[i].length));
        }
        return scores;
    }

    /**
     * The negative free energy of each image, log-sum-exp of its people's logits: higher for the people the model
     * knows.
     */
    double[] energy() {
        double[] scores = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            scores[i] = noFace.get(i) ? Double.NEGATIVE_INFINITY : logSumExp(logits[i], people);
        }
        return scores;
    }

    /** The largest of the first {@code count} values. */
    private static double max(float[] row, int count) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            max = Math.max(max, row[c]);
        }
        return max;
    }

    /** log-sum-exp of the first {@code count} values. */
    private static double logSumExp(float[] row, int count) {
        double max = max(row, count);
        double sum = 0;
        for (int c = 0; c < count; c++) {
            sum += Math.exp(row[c] - max);
        }
        return max + Math.log(sum);
    }
}
