package dev.visage.serving;

import dev.visage.serving.ModelsView.Status;
import dev.visage.store.BaseStore;
import dev.visage.store.Lifecycle;
import dev.visage.store.ModelConflictException;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoreException;
import dev.visage.store.StoredModel;
import dev.visage.store.TrainingLock;
import dev.visage.training.TrainingMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The operator's view of the store and the changes they may make: promote any version, roll back to the previous
 * current one, delete one that does not serve. A version goes into service only after it has been loaded and has
 * passed its checks and self-test; this instance swaps at once, the others follow the store within their poll
 * interval.
 */
@Service
public class ModelVersions {

    private final ModelStore store;
    private final CurrentModel currentModel;
    private final TrainingLock lock;
    private final BaseStore bases;
    private final CurrentBase currentBase;

    ModelVersions(
            ModelStore store, CurrentModel currentModel, TrainingLock lock, BaseStore bases, CurrentBase currentBase) {
        this.bases = bases;
        this.currentBase = currentBase;
        this.store = store;
        this.currentModel = currentModel;
        this.lock = lock;
    }

    /** Every version, newest first, and the store's state. */
    public ModelsView list() {
        String current = store.currentVersion().orElse(null);
        String serving = currentModel.version().orElse(null);
        Lifecycle lifecycle = store.lifecycle();
        List<String> existing = store.versions();
        String target = store.rollbackTarget().orElse(null);
        Map<String, String> refused = currentModel.refusals();
        List<ModelsView.Version> versions = new ArrayList<>();
        List<String> newestFirst = new ArrayList<>(existing);
        Collections.reverse(newestFirst);
        for (String version : newestFirst) {
            Status status = version.equals(current)
                    ? Status.CURRENT
                    : version.equals(target)
                            ? Status.PREVIOUS
                            : lifecycle.rejected().containsKey(version)
                                    ? Status.REJECTED
                                    : lifecycle.promoted().contains(version) ? Status.RETIRED : Status.CANDIDATE;
            String note = refused.getOrDefault(version, lifecycle.rejected().get(version));
            versions.add(describe(version, status, version.equals(serving), note));
        }
        List<Lifecycle.Event> events = new ArrayList<>(lifecycle.events());
        Collections.reverse(events);
        ModelsView.TrainingLockView holder = lock.holder()
                .map(h -> ModelsView.TrainingLockView.of(h, lock.isStale(h)))
                .orElse(null);
        return new ModelsView(current, serving, target, holder, versions, events, bases());
    }

    /** The stored face bases, newest first. */
    private List<ModelsView.BaseVersion> bases() {
        String inUse = currentBase.version().orElse(null);
        List<String> newestFirst = new ArrayList<>(bases.versions());
        Collections.reverse(newestFirst);
        List<ModelsView.BaseVersion> listed = new ArrayList<>();
        for (String version : newestFirst) {
            boolean used = version.equals(inUse);
            try {
                ModelManifest manifest = bases.manifest(version);
                listed.add(new ModelsView.BaseVersion(
                        version,
                        ModelsView.BaseVersion.KIND,
                        used,
                        manifest.trainedAt(),
                        manifest.people().size(),
                        manifest.matchThreshold(),
                        null));
            } catch (ModelStoreException e) {
                listed.add(new ModelsView.BaseVersion(
                        version, ModelsView.BaseVersion.KIND, used, null, null, null, e.getMessage()));
            }
        }
        return listed;
    }

    private ModelsView.Version describe(String version, Status status, boolean serving, String note) {
        try {
            ModelManifest manifest = store.manifest(version);
            TrainingMetrics metrics = store.metrics(version, TrainingMetrics.class);
            return new ModelsView.Version(
                    version,
                    status,
                    serving,
                    manifest.trainedAt(),
                    manifest.people().size(),
                    metrics.testAccuracy(),
                    metrics.balancedAccuracy(),
                    metrics.macroF1(),
                    metrics.openSet(),
                    note,
                    manifest.base(),
                    manifest.enrolledPeople() == null
                            ? null
                            : manifest.enrolledPeople().size(),
                    store.trainedPeople().onErased(manifest));
        } catch (ModelStoreException e) {
            return new ModelsView.Version(
                    version,
                    status,
                    serving,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    note != null ? note : e.getMessage(),
                    null,
                    null,
                    false);
        }
    }

    /**
     * Tests a version and makes it current and served here.
     *
     * @throws dev.visage.store.ModelNotFoundException if there is no such version
     * @throws dev.visage.store.ModelRefusedException if it fails its checks or self-test
     * @throws ModelConflictException if it was trained on people erased since
     */
    public void promote(String version) {
        if (store.trainedPeople().onErased(version)) {
            throw new ModelConflictException(
                    "Model " + version + " was trained on people erased since; it never serves again");
        }
        StoredModel loaded = store.load(version);
        try {
            store.promote(version, "promoted by an operator");
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
        currentModel.serve(loaded);
    }

    /**
     * Tests the previous current version and makes it current and served here again.
     *
     * @return the version rolled back to
     * @throws ModelConflictException if there is none
     * @throws dev.visage.store.ModelRefusedException if it fails its checks or self-test
     */
    public String rollBack() {
        String target = store.rollbackTarget()
                .orElseThrow(() -> new ModelConflictException("No earlier version to roll back to"));
        StoredModel loaded = store.load(target);
        try {
            store.rollBack(target);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
        currentModel.serve(loaded);
        return target;
    }

    /**
     * Deletes a version.
     *
     * @throws ModelConflictException if it is current, or serves on this instance
     */
    public void delete(String version) {
        Optional<String> serving = currentModel.version();
        if (serving.filter(version::equals).isPresent()) {
            throw new ModelConflictException(
                    "Model " + version + " serves on this instance; promote another version before deleting it");
        }
        store.delete(version);
    }
}
