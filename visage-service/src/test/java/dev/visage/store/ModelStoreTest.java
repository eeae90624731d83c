package dev.visage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.visage.SyntheticLfw;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;
import dev.visage.training.FaceTrainer;
import dev.visage.training.TestRecipes;
import dev.visage.training.TrainedModel;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingMetrics;
import dev.visage.training.TrainingObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Storing, reloading, validating and pruning model versions, with a tiny model trained on synthetic faces. */
class ModelStoreTest {

    private static final int SIZE = 16;
    private static final Instant TRAINED_AT = Instant.parse("2025-01-02T03:04:05.678Z");
    private static final String VERSION = "20250102-030405-678";

    @TempDir
    static Path lfw;

    private static TrainedModel trained;

    @TempDir
    Path root;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        SyntheticLfw.write(lfw, 3, 6, 9);
        // Batch normalisation included, so that its running statistics must survive the round trip too.
        NetworkConfig network = new NetworkConfig(List.of(16, 32), 16, 0.2f, true);
        TrainingConfig config = new TrainingConfig(
                PeopleSelection.top(3),
                9,
                FaceCrop.of(128, SIZE),
                network,
                1,
                8,
                0.003f,
                0.05f,
                0,
                0.1f,
                0,
                new TrainingConfig.Augmentation(2, true, 0.1f, 0, 0, 0, 0, 0, 0),
                TestRecipes.NO_OPEN_SET);
        trained = new FaceTrainer(config, new TrainingObserver() {}, () -> false).train(lfw);
    }

    @AfterAll
    static void closeModel() {
        if (trained != null) {
            trained.close();
        }
    }

    private static ModelManifest manifest(Instant trainedAt) {
        return trained.manifest(trainedAt, null);
    }

    private ModelManifest save(ModelStore store, Instant trainedAt) {
        return store.save(trained.model(), manifest(trainedAt), trained.metrics(), trained.split());
    }

    private static List<String> entries(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void savesAVersionFolderWithEveryFileAndPointsCurrentAtIt() throws IOException {
        ModelStore store = new ModelStore(root.resolve("models"), 5);

        ModelManifest saved = save(store, TRAINED_AT);

        assertThat(saved.version()).isEqualTo(VERSION);
        assertThat(saved.format()).isEqualTo(ModelManifest.FORMAT);
        Path folder = store.root().resolve(VERSION);
        assertThat(entries(folder))
                .containsExactlyInAnyOrder("model.json", "metrics.json", "split.json", "visage-0000.params");
        assertThat(Files.readString(store.root().resolve("current"), StandardCharsets.UTF_8)
                        .trim())
                .isEqualTo(VERSION);
        assertThat(store.currentVersion()).contains(VERSION);
        assertThat(store.versions()).containsExactly(VERSION);
        // Nothing temporary is left behind: only the version folder, the pointer and the history with its lock.
        assertThat(entries(store.root()))
                .containsExactlyInAnyOrder(VERSION, "current", "lifecycle.json", "lifecycle.lock");
        assertThat(saved.sha256()).containsOnlyKeys("visage-0000.params");
    }

    @Test
    void manifestMetricsAndSplitReadBackAsWritten() {
        ModelStore store = new ModelStore(root, 5);
        ModelManifest saved = save(store, TRAINED_AT);

        ModelManifest read = store.manifest(VERSION);

        assertThat(read).isEqualTo(saved);
        assertThat(read.people()).isEqualTo(SyntheticLfw.names(3));
        assertThat(read.preprocessing()).isEqualTo(trained.preprocessing());
        assertThat(read.network()).isEqualTo(trained.network());
        assertThat(read.trainedAt()).isEqualTo(TRAINED_AT);
        TrainingMetrics metrics = store.metrics(VERSION, TrainingMetrics.class);
        assertThat(metrics).usingRecursiveComparison().isEqualTo(trained.metrics());
        JsonMapper json = new JsonMapper();
        assertThat(json.readTree(json.writeValueAsString(metrics)))
                .as("the record written again is metrics.json as stored")
                .isEqualTo(store.metrics(VERSION, JsonNode.class));
        JsonNode split = new JsonMapper()
                .readTree(root.resolve(VERSION).resolve("split.json").toFile());
        assertThat(split.get("test").size()).isEqualTo(trained.split().test().size());
        assertThat(split.get("people").get(0).asString())
                .isEqualTo(trained.people().get(0));
    }

    @Test
    void reloadedModelGivesExactlyTheSameLogits() {
        ModelStore store = new ModelStore(root, 5);
        save(store, TRAINED_AT);

        try (StoredModel loaded = store.load(store.currentVersion().orElseThrow());
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(loaded.version()).isEqualTo(VERSION);
            assertThat(loaded.folder()).isEqualTo(root.resolve(VERSION));
            manager.getEngine().setRandomSeed(5);
            NDArray input = manager.randomNormal(new Shape(4, 3, SIZE, SIZE));

            float[] original = logits(trained.model(), manager, input);
            float[] reloaded = logits(loaded.model(), manager, input);

            assertThat(original).hasSize(4 * 3);
            assertThat(reloaded).containsExactly(original);
        }
    }

    private static float[] logits(Model model, NDManager manager, NDArray input) {
        Block block = model.getBlock();
        return block.forward(new ParameterStore(manager, false), new NDList(input), false)
                .singletonOrThrow()
                .toFloatArray();
    }

    @Test
    void refusesAFolderWithoutItsWeights() throws IOException {
        ModelStore store = new ModelStore(root, 5);
        save(store, TRAINED_AT);
        Files.delete(root.resolve(VERSION).resolve("visage-0000.params"));

        assertThatThrownBy(() -> store.load(VERSION))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("visage-0000.params is missing");
    }

    @Test
    void refusesAFolderWithoutItsManifest() throws IOException {
        ModelStore store = new ModelStore(root, 5);
        save(store, TRAINED_AT);
        Files.delete(root.resolve(VERSION).resolve("model.json"));

        assertThatThrownBy(() -> store.load(VERSION))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("model.json is missing");
    }

    @Test
    void refusesAManifestOfAnotherFormat() throws IOException {
        ModelStore store = new ModelStore(root, 5);
        save(store, TRAINED_AT);
        StoreTestModels.editManifest(store, VERSION, node -> node.put("format", ModelManifest.FORMAT + 1));

        assertThatThrownBy(() -> store.load(VERSION))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("format " + (ModelManifest.FORMAT + 1));
    }

    @Test
    void refusesAFolderOfTheOldFormatAndSaysHowToReplaceIt() throws IOException {
        ModelStore store = new ModelStore(root, 5);
        save(store, TRAINED_AT);
        StoreTestModels.makeOldFormat(store, VERSION);
        assertThat(Files.readString(root.resolve(VERSION).resolve(ModelStore.MANIFEST)))
                .doesNotContain("backgroundClasses")
                .contains("\"format\":1");

        assertThatThrownBy(() -> store.load(VERSION))
                .isInstanceOf(ModelRefusedException.class)
                .extracting(e -> ((ModelRefusedException) e).reason())
                .isEqualTo("model format 1 without backgroundClasses (stored before them) is no longer supported; "
                        + "retrain with POST /train or "
                        + "`java -jar visage.jar train`");
        assertThatThrownBy(() -> store.manifest(VERSION)).hasMessageContaining("no longer supported");
    }

    @Test
    void loadsAFormat1FolderStoredSinceBackgroundClasses() throws IOException {
        ModelStore store = new ModelStore(root, 5);
        ModelManifest saved = save(store, TRAINED_AT);
        StoreTestModels.editManifest(store, VERSION, node -> node.put("format", 1));

        try (StoredModel loaded = store.load(VERSION)) {
            assertThat(loaded.manifest().format()).isEqualTo(1);
            assertThat(loaded.manifest().sha256()).isEqualTo(saved.sha256());
        }
    }

    @Test
    void refusesAnUnknownVersionAndHasNoCurrentWhenEmpty() {
        ModelStore store = new ModelStore(root.resolve("empty"), 5);

        assertThat(store.currentVersion()).isEmpty();
        assertThat(store.versions()).isEmpty();
        assertThatThrownBy(() -> store.load("20000101-000000-000"))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("No model 20000101-000000-000");
        assertThatThrownBy(() -> new ModelStore(root, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void twoModelsTrainedAtTheSameMillisecondGetDistinctVersions() {
        ModelStore store = new ModelStore(root, 5);

        String first = save(store, TRAINED_AT).version();
        String second = save(store, TRAINED_AT).version();

        assertThat(first).isEqualTo(VERSION);
        assertThat(second).isEqualTo(VERSION + "-2");
        assertThat(store.versions()).containsExactly(VERSION, VERSION + "-2");
        assertThat(store.currentVersion()).contains(second);
    }

    @Test
    void keepPrunesTheOldestVersionsButNeverTheCurrentOne() throws IOException {
        ModelStore store = new ModelStore(root, 2);
        Instant day = Instant.parse("2025-03-01T00:00:00Z");

        for (int i = 1; i <= 4; i++) {
            save(store, day.plusSeconds(i * 86_400L));
        }

        // Versions of 2 to 5 March; keep 2.
        assertThat(store.versions()).containsExactly("20250304-000000-000", "20250305-000000-000");
        assertThat(store.currentVersion()).contains("20250305-000000-000");

        // A model stamped earlier than all others becomes current: it is the oldest, yet it is kept.
        String older = save(store, day).version();

        assertThat(older).isEqualTo("20250301-000000-000");
        assertThat(store.currentVersion()).contains(older);
        assertThat(store.versions()).containsExactly(older, "20250304-000000-000", "20250305-000000-000");
        assertThat(entries(root)).noneMatch(name -> name.startsWith("."));
        assertThat(Optional.of(store.load(store.currentVersion().orElseThrow())))
                .hasValueSatisfying(model -> {
                    assertThat(model.version()).isEqualTo(older);
                    model.close();
                });
    }
}
