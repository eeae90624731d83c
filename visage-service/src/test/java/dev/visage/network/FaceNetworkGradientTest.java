package dev.visage.network;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import dev.visage.system.DjlEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards against the engine bug behind {@link NetworkConfig#CHANNEL_MULTIPLE}: the same batch must give the same
 * gradients every time, even when freed native memory is full of NaN (which is what an uninitialised read then
 * picks up). With 4 and 8 channels this failed on almost every pass on an AVX-512 machine.
 */
class FaceNetworkGradientTest {

    private static final int PASSES = 10;
    private static final int BATCH = 5;
    private static final int SIDE = 32;

    @BeforeAll
    static void engine() {
        DjlEnvironment.loadEngine();
    }

    static List<NetworkConfig> networks() {
        return List.of(
                NetworkConfig.SEED,
                new NetworkConfig(List.of(16, 16), 16, 0f, false),
                new NetworkConfig(List.of(48, 16), 16, 0f, false));
    }

    @ParameterizedTest
    @MethodSource("networks")
    void sameBatchGivesSameFiniteGradientsEveryPass(NetworkConfig network) {
        Engine.getInstance().setRandomSeed(7);
        try (Model model = Model.newInstance("gradients");
                NDManager manager = NDManager.newBaseManager()) {
            model.setBlock(FaceNetwork.build(
                    new NetworkConfig(network.channels(), network.hiddenUnits(), 0f, network.batchNorm()), 3));
            NDArray images = manager.randomUniform(0, 1, new Shape(BATCH, 3, SIDE, SIDE));
            NDArray labels = manager.create(new int[] {0, 1, 2, 0, 1}).toType(DataType.FLOAT32, false);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
                trainer.initialize(new Shape(1, 3, SIDE, SIDE));
                Map<String, float[]> first = gradients(trainer, model, images, labels);
                first.forEach((name, values) -> assertThat(allFinite(values))
                        .as("gradient of %s is finite", name)
                        .isTrue());
                for (int pass = 1; pass < PASSES; pass++) {
                    poisonFreedMemory(manager);
                    Map<String, float[]> again = gradients(trainer, model, images, labels);
                    for (Map.Entry<String, float[]> gradient : first.entrySet()) {
                        assertThat(again.get(gradient.getKey()))
                                .as("gradient of %s in pass %d", gradient.getKey(), pass)
                                .usingElementComparator(FaceNetworkGradientTest::sameValue)
                                .containsExactly(gradient.getValue());
                    }
                }
            }
        }
    }

    private static Map<String, float[]> gradients(Trainer trainer, Model model, NDArray images, NDArray labels) {
        Map<String, float[]> gradients = new LinkedHashMap<>();
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList logits = trainer.forward(new NDList(images));
            NDArray loss = trainer.getLoss().evaluate(new NDList(labels), logits);
            collector.backward(loss);
            loss.close();
            logits.close();
        }
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            try (NDArray gradient = parameter.getValue().getArray().getGradient()) {
                gradients.put(parameter.getKey(), gradient.toFloatArray());
                gradient.subi(gradient); // PyTorch accumulates gradients; start the next pass from zero
            }
        }
        return gradients;
    }

    /** Allocates and frees arrays full of NaN of many sizes, so reused memory is NaN rather than zero. */
    private static void poisonFreedMemory(NDManager manager) {
        for (int i = 0; i < 40; i++) {
            try (NDArray junk = manager.full(new Shape(64 + (i * 7919L) % 60_000), Float.NaN)) {
                junk.getFloat(0);
            }
        }
    }

    private static boolean allFinite(float[] values) {
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    private static int sameValue(Float a, Float b) {
        return Float.compare(a + 0f, b + 0f); // -0 and +0 are the same gradient
    }
}
