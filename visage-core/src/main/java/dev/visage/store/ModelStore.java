package dev.visage.store;

import ai.djl.Model;
import dev.visage.system.Folders;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Versioned models on disk: {@code <root>/<version>/} holds the weights, {@code model.json} (with the SHA-256 of
 * the weights and probes), {@code metrics.json}, {@code split.json} and the self-test probes;
 * {@code <root>/current} names the version to serve and {@code <root>/lifecycle.json} its history.
 *
 * <p>A version is written into a hidden temporary folder and renamed into place, and {@code current} is replaced
 * by an atomic rename, so a crash never leaves a half-written model or pointer behind. Changes of {@code current}
 * are serialised among all instances sharing the folder. Only the newest {@code keep} versions are kept, and
 * always the current one and the one a roll-back would go to.
 */
public final class ModelStore {

    static final String MANIFEST = "model.json";
    static final String METRICS = "metrics.json";
    static final String SPLIT = "split.json";
    /** The name of every stored model, and so the prefix of its weights file. */
    public static final String MODEL_NAME = "visage";

    static final String PARAMETERS = MODEL_NAME + "-0000.params";
    static final String TEMPORARY_PREFIX = ".tmp-";
    public static final String PEOPLE_FOLDER = "people";

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private final Path root;
    private final int keep;
    private final JsonMapper json =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final StoreMutex mutex;
    private final LifecycleFile lifecycle;
    private final ModelLoader loader;
    private final TrainedPeople trainedPeople;

    public ModelStore(Path root, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, not " + keep);
        }
        this.root = root;
        this.keep = keep;
        this.mutex = new StoreMutex(root);
        this.lifecycle = new LifecycleFile(root, json, mutex);
        this.loader = new ModelLoader(root, json);
        this.trainedPeople = new TrainedPeople(root, loader::manifest, this::versions);
    }

    public Path root() {
        return root;
    }

    StoreMutex mutex() {
        return mutex;
    }

    /** Stores a trained model (without probes) as a new version and makes it current, bypassing any gate. */
    public ModelManifest save(Model model, ModelManifest manifest, Object metrics, Object split) {
        ModelManifest stored = write(model, manifest, metrics, split, List.of());
        promote(stored.version(), "stored");
        prune(stored.version());
        return stored;
    }

    /** Checks at start-up, rather than after a training run, that this process can write the store's folder. */
    public void checkWritable() {
        Housekeeping.checkWritable(root);
    }

    /**
     * Stores a trained model as a new version, with its self-test probes, without putting it in service.
     *
     * @param metrics written as {@code metrics.json}
     * @param split written as {@code split.json}
     * @return the stored manifest, with its version and checksums
     */
    public ModelManifest saveCandidate(
            Model model, ModelManifest manifest, Object metrics, Object split, List<Probe> probes) {
        ModelManifest stored = write(model, manifest, metrics, split, probes);
        prune(stored.version());
        return stored;
    }

    private ModelManifest write(Model model, ModelManifest manifest, Object metrics, Object split, List<Probe> probes) {
        try {
            ModelManifest stored = new VersionWriter(root, json).write(model, manifest, metrics, split, probes);
            log.info("Stored model {} in {}", stored.version(), root.resolve(stored.version()));
            return stored;
        } catch (IOException | JacksonException e) {
            throw new ModelStoreException("Cannot store the model in " + root + ": " + e.getMessage(), e);
        }
    }

    /** The version {@code current} points to, if any. */
    public Optional<String> currentVersion() {
        return lifecycle.current();
    }

    /** Stored versions, oldest first. */
    public List<String> versions() {
        return Housekeeping.versions(root);
    }

    /**
     * Loads one version after checking that its folder is complete, written by a compatible Visage and unchanged
     * since (SHA-256), and that it passes its self-test.
     *
     * @throws ModelNotFoundException if there is no such version
     * @throws ModelRefusedException if it must not serve, with the reason
     */
    public StoredModel load(String version) {
        return loader.load(version);
    }

    /** Reads and checks a version's manifest. */
    public ModelManifest manifest(String version) {
        return loader.manifest(version);
    }

    /** A version's {@code metrics.json}, read as {@code type} (training's metrics record, or a JSON tree). */
    public <T> T metrics(String version, Class<T> type) {
        try {
            return json.readValue(loader.folder(version).resolve(METRICS).toFile(), type);
        } catch (JacksonException e) {
            throw new ModelStoreException("Cannot read the metrics of model " + version + ": " + e.getMessage(), e);
        }
    }

    /** The promotion history. */
    public Lifecycle lifecycle() {
        return lifecycle.read(versions());
    }

    /**
     * Makes a version current. Callers {@link #load} it first: this only moves the pointer and records the step.
     *
     * @param detail why, for the history (e.g. "quality gate", "manual")
     */
    public void promote(String version, String detail) {
        loader.folder(version);
        lifecycle.change(versions(), history -> history.promote(version, event("promote", version, detail)), version);
        log.info("Model {} is now current ({})", version, detail);
    }

    /** The version a roll-back would make current; never one trained on erased people. */
    public Optional<String> rollbackTarget() {
        return lifecycle().rollbackTarget(currentVersion().orElse(null), trainedPeople.servable(versions()));
    }

    /**
     * Makes the previous current version current again, provided it is still {@code expected} (which the caller
     * has loaded and tested); another instance may have changed the store in between.
     *
     * @throws ModelConflictException if there is nothing to roll back to, or the target changed
     */
    public void rollBack(String expected) {
        locked("roll back", () -> {
            String target = rollbackTarget()
                    .orElseThrow(() -> new ModelConflictException("No earlier version to roll back to"));
            if (!target.equals(expected)) {
                throw new ModelConflictException(
                        "The store changed meanwhile: a roll-back now goes to " + target + ", not " + expected);
            }
            String from = currentVersion().orElse("none");
            lifecycle.change(versions(), h -> h.rollBackTo(target, event("rollback", target, "from " + from)), target);
            return null;
        });
        log.warn("Rolled back to model {}", expected);
    }

    /** The versions that may serve when {@code current} cannot, best first; none trained on erased people. */
    public List<String> fallbacks() {
        return lifecycle().fallbacks(currentVersion().orElse(null), trainedPeople.servable(versions()));
    }

    /** Which versions were trained on which enrolled people, and on people since erased. */
    public TrainedPeople trainedPeople() {
        return trainedPeople;
    }

    /** Records that the quality gate turned a candidate down, and why. */
    public void reject(String version, String reason) {
        lifecycle.change(versions(), h -> h.reject(version, reason, event("reject", version, reason)), null);
    }

    /**
     * Deletes a version that is not current.
     *
     * @throws ModelConflictException if it is current
     */
    public void delete(String version) {
        Path folder = loader.folder(version);
        locked("delete " + version, () -> {
            if (currentVersion().filter(version::equals).isPresent()) {
                throw new ModelConflictException("Model " + version + " is current; promote or roll back to "
                        + "another version before deleting it");
            }
            lifecycle.change(versions(), h -> h.forget(version, event("delete", version, "")), null);
            Folders.deleteRecursively(folder);
            return null;
        });
        log.info("Deleted model {}", version);
    }

    /** Removes the {@code .tmp-} files a crash left, unchanged for {@code olderThan}; returns how many. */
    public int removeStaleTemporaries(Duration olderThan) {
        return Housekeeping.removeStaleTemporaries(root, olderThan);
    }

    private static Lifecycle.Event event(String action, String version, String detail) {
        return Lifecycle.Event.now(action, version, detail);
    }

    private void locked(String what, StoreMutex.Step<Void> step) {
        try {
            mutex.run(step);
        } catch (IOException e) {
            throw new ModelStoreException("Cannot " + what + " in " + root + ": " + e.getMessage(), e);
        }
    }

    /** Keeps the newest {@code keep} versions, and always current, the roll-back target and {@code stored}. */
    private void prune(String stored) {
        locked("prune", () -> {
            Set<String> kept = new HashSet<>(Set.of(stored));
            currentVersion().ifPresent(kept::add);
            rollbackTarget().ifPresent(kept::add);
            for (String old : Housekeeping.beyond(versions(), keep, kept)) {
                log.info("Removing old model {}", old);
                lifecycle.change(versions(), h -> h.forget(old, event("delete", old, "pruned")), null);
                Folders.deleteRecursively(root.resolve(old));
            }
            return null;
        });
    }
}
