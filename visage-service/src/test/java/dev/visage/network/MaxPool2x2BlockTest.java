package dev.visage.network;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inference pooling gives LibTorch's pooling values, and models stored with LibTorch's pooling block still load. */
class MaxPool2x2BlockTest {

    @Test
    void inferenceGivesTheSameValuesAsLibTorchPooling() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(3, 16, 12, 10));
            NDList expected = new NDList(Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false));
            ParameterStore parameters = new ParameterStore(manager, false);
            MaxPool2x2Block block = new MaxPool2x2Block();

            NDArray inference = block.forward(parameters, new NDList(x), false).singletonOrThrow();
            NDArray training = block.forward(parameters, new NDList(x), true).singletonOrThrow();

            assertThat(inference.getShape()).isEqualTo(new Shape(3, 16, 6, 5));
            assertThat(inference.contentEquals(expected.singletonOrThrow())).isTrue();
            assertThat(training.contentEquals(expected.singletonOrThrow())).isTrue();
        }
    }

    @Test
    void modelsStoredWithLibTorchPoolingBlocksLoadAndAnswerTheSame() throws Exception {
        NetworkConfig config = new NetworkConfig(List.of(16, 32), 24, 0f, false);
        Shape input = new Shape(4, 3, 16, 16);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block stored = new MirrorAveragingBlock(withLibTorchPooling(config, 5));
            stored.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
            stored.initialize(manager, DataType.FLOAT32, input);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            stored.saveParameters(new DataOutputStream(bytes));

            Block loaded = FaceNetwork.build(config, 5);
            loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

            NDList images = new NDList(manager.randomNormal(input));
            ParameterStore parameters = new ParameterStore(manager, false);
            NDArray before = stored.forward(parameters, images, false).singletonOrThrow();
            NDArray after = loaded.forward(parameters, images, false).singletonOrThrow();
            assertThat(after.getShape()).isEqualTo(new Shape(4, 5));
            assertThat(after.sub(before).abs().max().getFloat()).isLessThan(1e-6f);
            assertThat(before.abs().max().getFloat()).isGreaterThan(1e-3f);
        }
    }

    /** The network as {@link FaceNetwork} built it before {@link MaxPool2x2Block}. */
    private static Block withLibTorchPooling(NetworkConfig config, int classes) {
        SequentialBlock network = new SequentialBlock();
        for (int filters : config.channels()) {
            network.add(Conv2d.builder()
                    .setKernelShape(new Shape(3, 3))
                    .optPadding(new Shape(1, 1))
                    .setFilters(filters)
                    .build());
            network.add(Activation::relu);
            network.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        network.add(Blocks.batchFlattenBlock());
        network.add(Linear.builder().setUnits(config.hiddenUnits()).build());
        network.add(Activation::relu);
        network.add(Linear.builder().setUnits(classes).build());
        return network;
    }
}
