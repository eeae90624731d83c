package dev.visage.store;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import dev.visage.network.FaceNetwork;
import dev.visage.system.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Versioned models on disk: {@code <root>/<version>/} holds the weights, {@code model.json},
 * {@code metrics.json} and {@code split.json}; {@code <root>/current} names the version to serve.
 *
 * <p>A version is written into a hidden temporary folder and renamed into place, and {@code current} is replaced
 * by an atomic rename, so a crash never leaves a half-written model or pointer behind. Only the newest
 * {@code keep} versions (and always the current one) are kept.
 */
public final class ModelStore {

    static final String MANIFEST = "model.json";
    static final String METRICS = "metrics.json";
    static final String SPLIT = "split.json";
    static final String CURRENT = "current";
    /** The name of every stored model, and so the prefix of its weights file. */
    public static final String MODEL_NAME = "visage";

    static final String PARAMETERS = MODEL_NAME + "-0000.params";
    private static final String TEMPORARY_PREFIX = ".tmp-";
    private static final DateTimeFormatter VERSION_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private final Path root;
    private final int keep;
    private final JsonMapper json =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public ModelStore(Path root, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, not " + keep);
        }
        this.root = root;
        this.keep = keep;
    }

    public Path root() {
        return root;
    }

    /**
     * Checks, at start-up rather than after a training run, that this process can create the store's folder and
     * write in it.
     *
     * @throws ModelStoreException naming the folder and the user when it cannot
     */
    public void checkWritable() {
        Path probe = root.resolve(TEMPORARY_PREFIX + "write-check-" + UUID.randomUUID());
        try {
            Files.createDirectories(root);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ModelStoreException(
                    "The model store " + root.toAbsolutePath() + " is not writable by this process (user "
                            + System.getProperty("user.name") + "): " + e + ". Make the folder (in Docker: the "
                            + "/models volume) writable for that user, e.g. chown it to uid 1000, or set "
                            + "visage.models.dir to one that is",
                    e);
        }
    }

    /**
     * Stores a trained model as a new version and makes it current.
     *
     * @param metrics written as {@code metrics.json}
     * @param split written as {@code split.json}
     * @return the stored manifest, with its version
     */
    public synchronized ModelManifest save(Model model, ModelManifest manifest, Object metrics, Object split) {
        try {
            Files.createDirectories(root);
            String version = newVersion(manifest);
            ModelManifest versioned = manifest.withVersion(version);
            Path temporary = root.resolve(TEMPORARY_PREFIX + version + "-" + UUID.randomUUID());
            try {
                Files.createDirectory(temporary);
                model.save(temporary, MODEL_NAME);
                json.writeValue(temporary.resolve(METRICS).toFile(), metrics);
                json.writeValue(temporary.resolve(SPLIT).toFile(), split);
                // The manifest goes last: a folder with a manifest has everything else.
                json.writeValue(temporary.resolve(MANIFEST).toFile(), versioned);
                Folders.moveAtomically(temporary, root.resolve(version));
            } finally {
                Folders.deleteRecursively(temporary);
            }
            setCurrent(version);
            log.info("Stored model {} in {}", version, root.resolve(version));
            prune(version);
            return versioned;
        } catch (IOException | JacksonException e) {
            throw new ModelStoreException("Cannot store the model in " + root + ": " + e.getMessage(), e);
        }
    }

    private String newVersion(ModelManifest manifest) {
        String base = VERSION_FORMAT.format(manifest.trainedAt());
        String version = base;
        for (int n = 2; Files.exists(root.resolve(version)); n++) {
            version = base + "-" + n;
        }
        return version;
    }

    /** The version {@code current} points to, if any. */
    public Optional<String> currentVersion() {
        Path pointer = root.resolve(CURRENT);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        try {
            String version = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            return version.isEmpty() ? Optional.empty() : Optional.of(version);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pointer, e);
        }
    }

    /** Stored versions, oldest first. */
    public List<String> versions() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(p ->
                            Files.isDirectory(p) && !p.getFileName().toString().startsWith("."))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root, e);
        }
    }

    /** Loads one version after checking that its folder is complete and was written by a compatible Visage. */
    public StoredModel load(String version) {
        ModelManifest manifest = manifest(version);
        Path folder = root.resolve(version);
        Model model = Model.newInstance(MODEL_NAME);
        try {
            model.setBlock(
                    FaceNetwork.build(manifest.network(), manifest.people().size()));
            model.load(folder, MODEL_NAME);
            return new StoredModel(model, manifest, folder);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelStoreException(
                    "Model " + version + " in " + folder + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    /** Reads and checks a version's manifest. */
    public ModelManifest manifest(String version) {
        Path folder = root.resolve(version);
        if (!Files.isDirectory(folder)) {
            throw new ModelStoreException("No model " + version + " in " + root);
        }
        for (String required : List.of(MANIFEST, PARAMETERS, METRICS, SPLIT)) {
            if (!Files.isRegularFile(folder.resolve(required))) {
                throw new ModelStoreException("Model folder " + folder + " is incomplete: " + required + " is missing");
            }
        }
        ModelManifest manifest;
        try {
            manifest = json.readValue(folder.resolve(MANIFEST).toFile(), ModelManifest.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new ModelStoreException(
                    "Model folder " + folder + " has an unreadable " + MANIFEST + ": " + e.getMessage(), e);
        }
        if (manifest.format() != ModelManifest.FORMAT) {
            throw new ModelStoreException("Model " + version + " has format " + manifest.format()
                    + "; this Visage reads format " + ModelManifest.FORMAT);
        }
        if (!version.equals(manifest.version())
                || manifest.people().size() < 2
                || manifest.network() == null
                || manifest.preprocessing() == null) {
            throw new ModelStoreException("Model folder " + folder + " has an inconsistent " + MANIFEST);
        }
        return manifest;
    }

    /** A version's {@code metrics.json}. */
    public JsonNode metrics(String version) {
        try {
            return json.readTree(root.resolve(version).resolve(METRICS).toFile());
        } catch (JacksonException e) {
            throw new ModelStoreException("Cannot read the metrics of model " + version + ": " + e.getMessage(), e);
        }
    }

    private void setCurrent(String version) throws IOException {
        Path temporary = root.resolve(TEMPORARY_PREFIX + CURRENT + "-" + UUID.randomUUID());
        Files.writeString(temporary, version + "\n", StandardCharsets.UTF_8);
        Folders.moveAtomically(temporary, root.resolve(CURRENT));
    }

    private void prune(String current) {
        List<String> versions = versions();
        for (String old : versions.subList(0, Math.max(0, versions.size() - keep))) {
            if (!old.equals(current)) {
                log.info("Removing old model {}", old);
                Folders.deleteRecursively(root.resolve(old));
            }
        }
    }
}
