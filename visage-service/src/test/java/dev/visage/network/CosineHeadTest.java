package dev.visage.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The face base's output layer: scaled cosines between unit features and unit class rows. */
class CosineHeadTest {

    private static final NetworkConfig COSINE = new NetworkConfig(List.of(16, 16), 32, 0f, true, true);

    @Test
    void answersTheScaledCosineOfEachFeatureRowWithEachClassRow() {
        try (NDManager manager = NDManager.newBaseManager()) {
            CosineHead head = new CosineHead(3, 4);
            head.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            head.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
            float[] rows = head.getParameters().get(0).getValue().getArray().toFloatArray();
            float[][] features = {{1, 2, 0, -1}, {0.5f, 0, 0, 0}};

            float[] logits = head.forward(
                            new ParameterStore(manager, false), new NDList(manager.create(features)), false)
                    .singletonOrThrow()
                    .toFloatArray();

            for (int i = 0; i < features.length; i++) {
                for (int c = 0; c < 3; c++) {
                    float[] row = java.util.Arrays.copyOfRange(rows, c * 4, c * 4 + 4);
                    assertThat(logits[i * 3 + c]).isCloseTo(CosineHead.SCALE * cosine(features[i], row), within(1e-4f));
                }
            }
        }
    }

    @Test
    void aCosineNetworkKeepsItsFeaturesWhenStoredAndLoaded(@TempDir Path folder) throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                Model model = Model.newInstance("cosine")) {
            model.setBlock(FaceNetwork.build(COSINE, 5));
            model.getBlock().setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
            model.getBlock().initialize(manager, DataType.FLOAT32, new Shape(1, 3, 16, 16));
            NDArray images = manager.randomUniform(0, 1, new Shape(4, 3, 16, 16));
            float[] before = features(model.getBlock(), images, manager);
            model.save(folder, "cosine");

            try (Model loaded = Model.newInstance("cosine")) {
                loaded.setBlock(FaceNetwork.build(COSINE, 5));
                loaded.load(folder, "cosine");
                float[] after = features(loaded.getBlock(), images, manager);

                assertThat(after).containsExactly(before, within(1e-5f));
                assertThat(before).hasSize(4 * 32);
            }
        }
    }

    @Test
    void aModelNetworkTrainsWithoutAMarginAndTheBaseWithOne() {
        assertThat(FaceNetwork.trainingMargin(new NetworkConfig(List.of(16), 32, 0f, true)))
                .isZero();
        assertThat(FaceNetwork.trainingMargin(COSINE)).isEqualTo(CosineHead.SCALE * CosineHead.MARGIN);
    }

    private static float[] features(Block block, NDArray images, NDManager manager) {
        return FaceNetwork.features(block, new ParameterStore(manager, false), images)
                .toFloatArray();
    }

    private static float cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return (float) (dot / Math.sqrt(na * nb));
    }
}
