package dev.visage.store;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.visage.face.Preprocessing;
import dev.visage.network.FaceNetwork;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The test every model passes before it serves: its probe faces, and one fixed noise image, go through the
 * network as serving would feed them (normalised, in inference mode, softmax). Every output must be finite, and
 * each probe must get the answer the model gave when it was stored.
 */
final class SelfTest {

    /** Seed of the noise image that every model must answer with finite probabilities. */
    private static final long NOISE_SEED = 13;

    private SelfTest() {}

    /**
     * The people's probabilities ({@link FaceNetwork#peopleProbabilities}, as serving answers with) of each face, in
     * order, then those of the noise image (the last row).
     */
    static float[][] probabilities(Model model, Preprocessing preprocessing, int people, List<float[]> faces) {
        int side = preprocessing.crop().imageSize();
        int perFace = 3 * side * side;
        float[] values = new float[(faces.size() + 1) * perFace];
        for (int i = 0; i < faces.size(); i++) {
            System.arraycopy(faces.get(i), 0, values, i * perFace, perFace);
        }
        Random noise = new Random(NOISE_SEED);
        for (int i = faces.size() * perFace; i < values.length; i++) {
            values[i] = noise.nextFloat();
        }
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray batch = manager.create(values, new Shape(faces.size() + 1, 3, side, side));
            NDArray logits = model.getBlock()
                    .forward(new ParameterStore(manager, false), new NDList(preprocessing.normalize(batch)), false)
                    .singletonOrThrow();
            return FaceNetwork.peopleProbabilities(logits, people);
        }
    }

    /**
     * Runs the test.
     *
     * @return null if the model passes, else why not
     */
    static String failure(Model model, ModelManifest manifest, List<float[]> faces, List<ProbeFiles.Entry> probes) {
        float[][] rows =
                probabilities(model, manifest.preprocessing(), manifest.people().size(), faces);
        for (int i = 0; i < rows.length; i++) {
            String what = i < probes.size() ? "probe " + probes.get(i).file() : "the noise image";
            if (!allFinite(rows[i])) {
                return "self-test: " + what + " gave non-finite outputs " + Arrays.toString(rows[i]);
            }
            if (i < probes.size() && argMax(rows[i]) != probes.get(i).expected()) {
                ProbeFiles.Entry probe = probes.get(i);
                return String.format(
                        Locale.ROOT,
                        "self-test: %s (%s) was answered %s (%.3f) instead of %s",
                        probe.file(),
                        probe.source(),
                        manifest.people().get(argMax(rows[i])),
                        rows[i][argMax(rows[i])],
                        manifest.people().get(probe.expected()));
            }
        }
        return null;
    }

    static boolean allFinite(float[] values) {
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    static int argMax(float[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }
}
