package dev.visage.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import dev.visage.face.FaceCrop;
import dev.visage.face.Preprocessing;
import org.junit.jupiter.api.Test;

/** The network's outputs turned into the people's probabilities, background classes left to someone else. */
class FaceBatchTranslatorTest {

    private static final int SIDE = 8;

    @Test
    void keepsThePeoplesShareOfTheSoftmaxOverEveryOutput() throws Exception {
        // Two people, then one background class; the same logits for every face.
        float[] logits = {0, 1, 3};
        try (Model model = Model.newInstance("fixed-logits")) {
            model.setBlock(new LambdaBlock(inputs -> {
                NDArray faces = inputs.singletonOrThrow();
                NDArray row = faces.getManager().create(logits, new Shape(1, logits.length));
                return new NDList(row.repeat(0, faces.getShape().get(0)));
            }));
            Preprocessing preprocessing = new Preprocessing(
                    FaceCrop.of(16, SIDE), new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
            try (Predictor<float[][], float[][]> predictor =
                    model.newPredictor(new FaceBatchTranslator(preprocessing, 2))) {
                float[][] rows =
                        predictor.predict(new float[][] {new float[3 * SIDE * SIDE], new float[3 * SIDE * SIDE]});

                double total = 1 + Math.E + Math.exp(3);
                assertThat(rows).hasNumberOfRows(2);
                for (float[] row : rows) {
                    assertThat(row).hasSize(2);
                    assertThat((double) row[0]).isCloseTo(1 / total, within(1e-6));
                    assertThat((double) row[1]).isCloseTo(Math.E / total, within(1e-6));
                }
            }
        }
    }
}
