package dev.visage.store;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.visage.SyntheticLfw;
import dev.visage.TemporaryFolders;
import dev.visage.dataset.BaseSplit;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;
import dev.visage.training.FaceTrainer;
import dev.visage.training.TestRecipes;
import dev.visage.training.TrainedModel;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tiny model (3 synthetic people, 32x32 input), trained once per test JVM through {@link FaceTrainer}, so it
 * comes with the self-test probes that training picks; and ways to damage a stored copy of it.
 */
public final class StoreTestModels {

    public static final int PEOPLE = 3;

    private static TrainedModel trained;
    private static long stamps;

    private StoreTestModels() {}

    public static synchronized TrainedModel trained() {
        if (trained == null) {
            Path lfw = null;
            try {
                lfw = Files.createTempDirectory("visage-store-lfw");
                SyntheticLfw.write(lfw, PEOPLE, 15, 3);
                TrainingConfig config = new TrainingConfig(
                        PeopleSelection.top(PEOPLE),
                        3,
                        FaceCrop.of(SyntheticLfw.PATTERN_SIZE, 32),
                        new NetworkConfig(List.of(16, 16), 16, 0f, false),
                        4,
                        4,
                        0.004f,
                        0f,
                        0,
                        0.1f,
                        0,
                        TrainingConfig.Augmentation.NONE,
                        TestRecipes.NO_OPEN_SET);
                trained = new FaceTrainer(config, new TrainingObserver() {}, () -> false).train(lfw);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                TemporaryFolders.delete(lfw);
            }
        }
        return trained;
    }

    /** Stores the tiny model, with its probes, as a new candidate with a version of its own. */
    public static synchronized ModelManifest storeCandidate(ModelStore store) {
        TrainedModel model = trained();
        Instant trainedAt = Instant.parse("2025-06-01T00:00:00Z").plusSeconds(++stamps);
        return store.saveCandidate(
                model.model(), model.manifest(trainedAt, null), model.metrics(), model.split(), model.probes());
    }

    /** Stores the tiny model as a face base (match threshold 0.6), trained {@code second} seconds into a day. */
    public static synchronized ModelManifest storeBase(BaseStore bases, int second) {
        TrainedModel model = trained();
        Instant trainedAt = Instant.parse("2025-07-01T00:00:00Z").plusSeconds(second);
        return bases.save(
                model.model(),
                model.manifest(trainedAt, null).withMatchThreshold(0.6f),
                Map.of("kind", "base"),
                new BaseSplit(BaseSplit.SEED, List.of(), model.people(), List.of(), List.of(), List.of(), List.of()),
                model.probes());
    }

    /** Stores a candidate and makes it current. */
    public static ModelManifest storeCurrent(ModelStore store) {
        ModelManifest manifest = storeCandidate(store);
        store.promote(manifest.version(), "test");
        return manifest;
    }

    public static Path parameters(ModelStore store, String version) {
        return store.root().resolve(version).resolve(ModelStore.PARAMETERS);
    }

    /**
     * Replaces a stored version's weights with its own, changed by {@code damage}, and records the new file's
     * SHA-256 in {@code model.json}: damage that no checksum can see, which only the self-test can catch.
     */
    public static void rewriteWeights(ModelStore store, String version, Consumer<List<Parameter>> damage)
            throws IOException {
        // A model read back from the store cannot be saved again (DJL knows its input only after training), so
        // the trained one is damaged, saved and then restored.
        Model model = trained().model();
        List<Parameter> parameters =
                model.getBlock().getParameters().stream().map(Pair::getValue).toList();
        List<float[]> originals =
                parameters.stream().map(p -> p.getArray().toFloatArray()).toList();
        Path scratch = Files.createTempDirectory("visage-damaged");
        try {
            damage.accept(parameters);
            model.save(scratch, ModelStore.MODEL_NAME);
            Files.copy(
                    scratch.resolve(ModelStore.PARAMETERS),
                    parameters(store, version),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).getArray().set(originals.get(i));
            }
            TemporaryFolders.delete(scratch);
        }
        recordChecksum(store, version, ModelStore.PARAMETERS);
    }

    /** Writes the current SHA-256 of {@code file} into the version's {@code model.json}. */
    public static void recordChecksum(ModelStore store, String version, String file) throws IOException {
        String sum = Checksums.sha256(store.root().resolve(version).resolve(file));
        editManifest(store, version, node -> ((ObjectNode) node.get("sha256")).put(file, sum));
    }

    /** Rewrites a stored version's {@code model.json} as {@code edit} changes it. */
    public static void editManifest(ModelStore store, String version, Consumer<ObjectNode> edit) {
        Path manifest = store.root().resolve(version).resolve(ModelStore.MANIFEST);
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode node = (ObjectNode) json.readTree(manifest.toFile());
        edit.accept(node);
        json.writeValue(manifest.toFile(), node);
    }

    /**
     * Rewrites a stored version's {@code model.json} as Visage wrote it before it trained background classes: model
     * format 1 without checksums, threshold or background classes.
     */
    public static void makeOldFormat(ModelStore store, String version) {
        editManifest(store, version, node -> {
            node.put("format", 1);
            node.remove(List.of("sha256", "minConfidence", "backgroundClasses"));
        });
    }

    /** Negates the last layer: every answer becomes the least likely one. */
    public static void negateLastLayer(List<Parameter> parameters) {
        for (Parameter parameter : parameters.subList(parameters.size() - 2, parameters.size())) {
            parameter.getArray().negi();
        }
    }

    /** Sets the first weight of every layer to NaN. */
    public static void poisonWithNaN(List<Parameter> parameters) {
        for (Parameter parameter : parameters) {
            float[] values = parameter.getArray().toFloatArray();
            values[0] = Float.NaN;
            parameter.getArray().set(values);
        }
    }
}
