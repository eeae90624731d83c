package dev.visage.store;

import ai.djl.Model;
import dev.visage.system.Folders;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The face bases: versions in the store's {@code bases/} folder, written and checked exactly as models are (one
 * folder per version with the weights, {@code model.json} with SHA-256 sums, {@code metrics.json},
 * {@code split.json} and self-test probes, written atomically and refused on load when damaged). A base is a
 * classifier over its own people whose trunk gives face features; the newest stored base is the one in use, so
 * there is no pointer to move. Only the newest {@code keep} bases are kept.
 */
public final class BaseStore {

    /** The folder of the bases inside the model store. */
    public static final String FOLDER = "bases";

    private static final Logger log = LoggerFactory.getLogger(BaseStore.class);

    private final Path root;
    private final int keep;
    private final JsonMapper json =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final ModelLoader loader;

    /**
     * @param storeRoot the model store's folder
     * @param keep how many bases to keep, newest first
     */
    public BaseStore(Path storeRoot, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, not " + keep);
        }
        this.root = storeRoot.resolve(FOLDER);
        this.keep = keep;
        this.loader = new ModelLoader(root, json);
    }

    public Path root() {
        return root;
    }

    /**
     * Stores a trained base as a new version, with its self-test probes, and removes the oldest beyond
     * {@code keep}.
     *
     * @return the stored manifest, with its version and checksums
     */
    public ModelManifest save(Model model, ModelManifest manifest, Object metrics, Object split, List<Probe> probes) {
        try {
            ModelManifest stored = new VersionWriter(root, json).write(model, manifest, metrics, split, probes);
            log.info("Stored face base {} in {}", stored.version(), root.resolve(stored.version()));
            for (String old : Housekeeping.beyond(versions(), keep, Set.of(stored.version()))) {
                log.info("Removing old face base {}", old);
                Folders.deleteRecursively(root.resolve(old));
            }
            return stored;
        } catch (IOException | JacksonException e) {
            throw new ModelStoreException("Cannot store the face base in " + root + ": " + e.getMessage(), e);
        }
    }

    /** Stored bases, oldest first. */
    public List<String> versions() {
        return Housekeeping.versions(root);
    }

    /** The newest stored base, the one in use, if any. */
    public Optional<String> newest() {
        List<String> versions = versions();
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    /**
     * Loads a base after the same checks as a model's: complete folder, SHA-256 sums, self-test.
     *
     * @throws ModelNotFoundException if there is no such base
     * @throws ModelRefusedException if it is damaged, with the reason
     */
    public StoredModel load(String version) {
        return loader.load(version);
    }

    /** Reads and checks a base's manifest. */
    public ModelManifest manifest(String version) {
        return loader.manifest(version);
    }

    /** A base's {@code split.json}, read as {@code type} (the base's people-disjoint partition). */
    public <T> T split(String version, Class<T> type) {
        try {
            return json.readValue(
                    loader.folder(version).resolve(ModelStore.SPLIT).toFile(), type);
        } catch (JacksonException e) {
            throw new ModelStoreException("Cannot read the split of face base " + version + ": " + e.getMessage(), e);
        }
    }

    /** Removes what interrupted writes of bases left behind (see {@link ModelStore#removeStaleTemporaries}). */
    public int removeStaleTemporaries(Duration olderThan) {
        return Housekeeping.removeStaleTemporaries(root, olderThan);
    }
}
