package dev.visage.network;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The network's inference output: the mean of its logits on each image and on the image's mirror. */
class MirrorAveragingBlockTest {

    @Test
    void averagesTheLogitsOfEachImageAndItsMirrorInOneBatchedPass() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = FaceNetwork.build(new NetworkConfig(List.of(16, 16), 32, 0f, false), 3);
            block.setInitializer(new XavierInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 16, 16));
            Block network = block.getChildren().get(0).getValue();
            ParameterStore parameters = new ParameterStore(manager, false);
            NDArray images = manager.randomUniform(0, 1, new Shape(5, 3, 16, 16));

            NDArray averaged =
                    block.forward(parameters, new NDList(images), false).singletonOrThrow();
            NDArray plain =
                    network.forward(parameters, new NDList(images), false).singletonOrThrow();
            NDArray mirror = network.forward(parameters, new NDList(images.flip(3)), false)
                    .singletonOrThrow();
            NDArray ofMirrors =
                    block.forward(parameters, new NDList(images.flip(3)), false).singletonOrThrow();

            assertThat(averaged.getShape()).isEqualTo(new Shape(5, 3));
            assertThat(averaged.sub(plain.add(mirror).div(2)).abs().max().getFloat())
                    .isLessThan(1e-5f);
            assertThat(ofMirrors.sub(averaged).abs().max().getFloat()).isLessThan(1e-5f);
            assertThat(plain.sub(mirror).abs().max().getFloat()).isGreaterThan(1e-4f);
        }
    }
}
