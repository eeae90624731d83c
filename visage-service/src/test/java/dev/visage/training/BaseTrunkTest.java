package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.visage.SyntheticLfw;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.FaceNetwork;
import dev.visage.network.NetworkConfig;
import dev.visage.store.BaseStore;
import dev.visage.store.ModelManifest;
import dev.visage.store.StoredModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model started from a stored face base: the trunk is the base's, the output layer new, a frozen trunk stays put
 * while the head learns, and the model records the base. The base is a tiny one (3 synthetic people, batch norm,
 * 32x32 input), the model learns 3 other synthetic people.
 */
class BaseTrunkTest {

    private static final NetworkConfig BASE_NETWORK = new NetworkConfig(List.of(16, 16), 32, 0f, true);
    private static final List<String> NAMES = SyntheticLfw.names(6);
    private static final int EPOCHS = 3;
    private static final Set<Parameter.Type> LEARNED =
            EnumSet.of(Parameter.Type.WEIGHT, Parameter.Type.BIAS, Parameter.Type.GAMMA, Parameter.Type.BETA);

    @TempDir
    static Path lfw;

    @TempDir
    static Path store;

    private static BaseStore bases;
    private static StoredModel base;

    @BeforeAll
    static void storeABase() throws IOException {
        SyntheticLfw.write(lfw, 6, 12, 4);
        bases = new BaseStore(store, 2);
        TrainingConfig config = config(NAMES.subList(0, 3), BASE_NETWORK, 64, EPOCHS);
        try (TrainedModel trained = new FaceTrainer(config, new TrainingObserver() {}, () -> false).train(lfw)) {
            ModelManifest stored = bases.save(
                    trained.model(),
                    trained.manifest(Instant.parse("2026-12-07T00:00:00Z"), null),
                    Map.of("kind", "base"),
                    trained.split(),
                    trained.probes());
            base = bases.load(stored.version());
        }
    }

    @AfterAll
    static void closeBase() {
        if (base != null) {
            base.close();
        }
    }

    /** A run over {@code people} from scratch. */
    private static TrainingConfig config(List<String> people, NetworkConfig network, int imageSize, int epochs) {
        return new TrainingConfig(
                PeopleSelection.named(people),
                3,
                FaceCrop.of(SyntheticLfw.PATTERN_SIZE, imageSize),
                network,
                epochs,
                8,
                0.004f,
                0f,
                0,
                0.1f,
                0,
                TrainingConfig.Augmentation.NONE,
                TestRecipes.NO_OPEN_SET);
    }

    private static TrainingConfig modelConfig(int epochs) {
        return config(NAMES.subList(3, 6), NetworkConfig.SEED, 32, epochs).withFromBase(true);
    }

    @Test
    void theModelTakesTheBasesNetworkAndInputKeepingItsCropAndDropout() {
        BaseTrunk trunk = new BaseTrunk(base, BaseTrunk.Schedule.STANDARD);

        TrainingConfig config = trunk.configFor(modelConfig(EPOCHS));

        assertThat(config.network())
                .isEqualTo(new NetworkConfig(List.of(16, 16), 32, NetworkConfig.SEED.dropout(), true));
        assertThat(config.crop()).isEqualTo(FaceCrop.of(SyntheticLfw.PATTERN_SIZE, 64));
        assertThat(config.fromBase()).isTrue();
    }

    @Test
    void loadingCopiesEveryTrunkParameterAndLeavesTheNewHeadAsInitialised() {
        BaseTrunk trunk = new BaseTrunk(base, BaseTrunk.Schedule.STANDARD);
        TrainingConfig config = trunk.configFor(modelConfig(EPOCHS));
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = FaceNetwork.build(config.network(), 5);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            Map<String, float[]> fresh = values(block);
            Map<String, float[]> own = values(base.model().getBlock());
            Set<Parameter> head =
                    Set.copyOf(FaceNetwork.outputLayer(block).getParameters().values());

            trunk.loadInto(block);

            Map<String, float[]> loaded = values(block);
            int trunkWeights = 0;
            for (Pair<String, Parameter> parameter : block.getParameters()) {
                String name = parameter.getKey();
                if (head.contains(parameter.getValue())) {
                    assertThat(loaded.get(name)).as(name).containsExactly(fresh.get(name));
                    continue;
                }
                assertThat(loaded.get(name)).as(name).containsExactly(own.get(name));
                if (parameter.getValue().getType() == Parameter.Type.WEIGHT) {
                    assertThat(Arrays.equals(fresh.get(name), own.get(name)))
                            .as(name + " differed before loading")
                            .isFalse();
                    trunkWeights++;
                }
            }
            assertThat(trunkWeights).isEqualTo(3);
            assertThat(FaceNetwork.outputLayer(block)
                            .getParameters()
                            .get("weight")
                            .getArray()
                            .getShape())
                    .isEqualTo(new Shape(5, 32));
        }
    }

    @Test
    void aModelFromACosineHeadBaseKeepsTheCosineHeadAndLoadsTheHiddenBatchNorm(@TempDir Path cosineStore)
            throws IOException {
        NetworkConfig cosine = new NetworkConfig(List.of(16, 16), 32, 0f, true, true);
        BaseStore cosineBases = new BaseStore(cosineStore, 1);
        TrainingConfig baseConfig = config(NAMES.subList(0, 3), cosine, 64, 1);
        try (TrainedModel trained = new FaceTrainer(baseConfig, new TrainingObserver() {}, () -> false).train(lfw)) {
            cosineBases.save(
                    trained.model(),
                    trained.manifest(Instant.parse("2026-12-07T00:00:00Z"), null),
                    Map.of("kind", "base"),
                    trained.split(),
                    trained.probes());
        }
        try (StoredModel cosineBase = cosineBases.load(cosineBases.newest().orElseThrow());
                NDManager manager = NDManager.newBaseManager()) {
            BaseTrunk trunk = new BaseTrunk(cosineBase, BaseTrunk.Schedule.STANDARD);
            TrainingConfig config = trunk.configFor(modelConfig(EPOCHS));
            Block block = FaceNetwork.build(config.network(), 5);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            Map<String, float[]> own = values(cosineBase.model().getBlock());

            trunk.loadInto(block);

            assertThat(config.network().cosineHead()).isTrue();
            Map<String, float[]> loaded = values(block);
            int norms = 0;
            for (String name : own.keySet()) {
                if (name.contains("BatchNorm")) {
                    assertThat(loaded.get(name)).as(name).containsExactly(own.get(name));
                    norms++;
                }
            }
            assertThat(norms)
                    .as("the batch norms of both blocks (4 values each) and of the hidden layer")
                    .isEqualTo(12);
            assertThat(FaceNetwork.outputLayer(block)
                            .getParameters()
                            .get("weight")
                            .getArray()
                            .getShape())
                    .isEqualTo(new Shape(5, 32));
        }
    }

    @Test
    void aNetworkOfAnotherShapeIsRefused() {
        BaseTrunk trunk = new BaseTrunk(base, BaseTrunk.Schedule.STANDARD);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = FaceNetwork.build(new NetworkConfig(List.of(16, 32), 32, 0f, true), 3);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));

            assertThatThrownBy(() -> trunk.loadInto(block))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(base.version());
        }
    }

    @Test
    void aFrozenTrunkStaysTheBasesWhileTheHeadLearnsAndTheModelRecordsTheBase() throws IOException {
        BaseTrunk frozen = new BaseTrunk(base, new BaseTrunk.Schedule(EPOCHS, 1f));
        TrainingConfig config = frozen.configFor(modelConfig(EPOCHS));
        try (TrainedModel trained =
                new FaceTrainer(config, new TrainingObserver() {}, () -> false, null, frozen).train(lfw)) {
            Map<String, float[]> own = values(base.model().getBlock());
            Set<Parameter> head =
                    Set.copyOf(FaceNetwork.outputLayer(trained.model().getBlock())
                            .getParameters()
                            .values());
            for (Pair<String, Parameter> parameter : trained.model().getBlock().getParameters()) {
                if (!head.contains(parameter.getValue())
                        && LEARNED.contains(parameter.getValue().getType())) {
                    assertThat(parameter.getValue().getArray().toFloatArray())
                            .as(parameter.getKey())
                            .containsExactly(own.get(parameter.getKey()));
                }
            }
            assertThat(trained.people()).containsExactlyElementsOf(NAMES.subList(3, 6));
            assertThat(trained.metrics().testAccuracy()).isGreaterThan(0.5);
            ModelManifest manifest = trained.manifest(Instant.now(), null);
            assertThat(manifest.base()).isEqualTo(base.version());
            assertThat(manifest.network()).isEqualTo(config.network());
            assertThat(manifest.preprocessing().mean())
                    .containsExactly(base.manifest().preprocessing().mean());
        }
    }

    @Test
    void aTrunkAtALowerRateMovesAndAModelFromScratchRecordsNoBase() throws IOException {
        BaseTrunk slow = new BaseTrunk(base, new BaseTrunk.Schedule(0, 0.1f));
        TrainingConfig config = slow.configFor(modelConfig(1));
        Map<String, float[]> own = values(base.model().getBlock());
        try (TrainedModel trained =
                new FaceTrainer(config, new TrainingObserver() {}, () -> false, null, slow).train(lfw)) {
            String firstConvolution =
                    trained.model().getBlock().getParameters().get(0).getKey();
            assertThat(trained.model()
                            .getBlock()
                            .getParameters()
                            .get(0)
                            .getValue()
                            .getArray()
                            .toFloatArray())
                    .isNotEqualTo(own.get(firstConvolution));
        }
        try (TrainedModel scratch =
                new FaceTrainer(config.withFromBase(false), new TrainingObserver() {}, () -> false).train(lfw)) {
            assertThat(scratch.manifest(Instant.now(), null).base()).isNull();
        }
    }

    @Test
    void aRunFromTheBaseNeedsAStoredBaseAndARunByDefaultTakesOneWhenStored(@TempDir Path empty) {
        TrainingPipeline withBase = new TrainingPipeline(null, null, bases, null, null, null, null);
        TrainingPipeline withoutBase =
                new TrainingPipeline(null, null, new BaseStore(empty, 1), null, null, null, null);

        assertThat(withBase.baseFor(modelConfig(1))).isEqualTo(base.version());
        assertThat(withBase.baseFor(modelConfig(1).withFromBase(null))).isEqualTo(base.version());
        assertThat(withBase.baseFor(modelConfig(1).withFromBase(false))).isNull();
        assertThat(withoutBase.baseFor(modelConfig(1).withFromBase(null))).isNull();
        assertThat(withoutBase.baseFor(modelConfig(1).withFromBase(false))).isNull();
        assertThatThrownBy(() -> withoutBase.baseFor(modelConfig(1)))
                .isInstanceOf(NoFaceBaseException.class)
                .extracting(e -> ((NoFaceBaseException) e).problem().status())
                .isEqualTo(409);
    }

    private static Map<String, float[]> values(Block block) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            values.put(parameter.getKey(), parameter.getValue().getArray().toFloatArray());
        }
        return values;
    }
}
