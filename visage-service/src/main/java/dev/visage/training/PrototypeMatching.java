package dev.visage.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.visage.dataset.LfwImages;
import dev.visage.face.Preprocessing;
import dev.visage.network.FaceNetwork;

/**
 * Nearest class mean on face features: each person's prototype is the mean of their enrolled faces' features,
 * scaled to unit length, and a face goes to the prototype with the highest cosine similarity, which is also its
 * score for "someone known".
 */
public final class PrototypeMatching {

    /** Faces fed through the network at once. */
    private static final int BATCH = 128;

    private PrototypeMatching() {}

    /** The best prototype of each face and its cosine similarity. */
    public record Matches(int[] predicted, double[] similarity) {}

    /** The unit-length features ({@link FaceNetwork#features}) of every image, in order. */
    public static float[][] features(Model model, Preprocessing preprocessing, LfwImages images) {
        float[][] rows = new float[images.size()][];
        for (int start = 0; start < images.size(); start += BATCH) {
            int end = Math.min(images.size(), start + BATCH);
            try (NDManager manager = model.getNDManager().newSubManager()) {
                NDArray slice = images.pixels().get("{}:{}", start, end);
                slice.attach(manager);
                NDArray batch = LfwImages.unitFloats(slice);
                NDArray features = FaceNetwork.features(
                        model.getBlock(), new ParameterStore(manager, false), preprocessing.normalize(batch));
                System.arraycopy(FaceNetwork.rows(features), 0, rows, start, end - start);
            }
        }
        return rows;
    }

    /** The prototype of each class {@code 0..classes-1}: the mean of its rows' features, at unit length. */
    public static float[][] prototypes(float[][] features, int[] labels, int classes) {
        int size = features[0].length;
        float[][] sums = new float[classes][size];
        for (int i = 0; i < features.length; i++) {
            for (int k = 0; k < size; k++) {
                sums[labels[i]][k] += features[i][k];
            }
        }
        for (float[] sum : sums) {
            double norm = Math.sqrt(dot(sum, sum));
            for (int k = 0; k < size; k++) {
                sum[k] = (float) (sum[k] / Math.max(norm, 1e-12));
            }
        }
        return sums;
    }

    /** Each face's nearest prototype by cosine similarity (all vectors at unit length). */
    public static Matches match(float[][] prototypes, float[][] features) {
        int[] predicted = new int[features.length];
        double[] similarity = new double[features.length];
        for (int i = 0; i < features.length; i++) {
            similarity[i] = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < prototypes.length; c++) {
                double cosine = dot(prototypes[c], features[i]);
                if (cosine > similarity[i]) {
                    similarity[i] = cosine;
                    predicted[i] = c;
                }
            }
        }
        return new Matches(predicted, similarity);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }
}
