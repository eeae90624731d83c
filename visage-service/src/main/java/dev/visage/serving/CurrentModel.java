package dev.visage.serving;

import dev.visage.store.ModelManifest;
import dev.visage.store.ModelPromotedEvent;
import dev.visage.store.ModelRefusedException;
import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoreException;
import dev.visage.store.StoredModel;
import dev.visage.system.DjlEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The model in service, swapped without failing a request: each request {@link #acquire()}s the model it starts
 * with and releases it after, and a replaced model is closed after its last request.
 *
 * <p>Only a version that loads and passes its checks and self-test ever serves. Start-up, a promotion by training
 * here and following the store all go through {@link #serveCurrent()}; an operator's promotion or roll-back hands
 * over the version it loaded (so tested) before changing the store. When nothing serves, the current version
 * serves or, when it is refused, the most recently promoted version that passes (logged loudly; the store's
 * {@code current} is left for an operator to fix). Refused versions are remembered with their reason, for health,
 * and not retried until their files change.
 */
@Service
public class CurrentModel implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CurrentModel.class);

    private final ModelStore store;
    private final ModelHolder holder = new ModelHolder();
    private final RefusedVersions refused;
    private final Object swaps = new Object();
    /** What {@link #serveBest()} last reported when nothing could serve, so that polling does not repeat it. */
    private volatile String lastState;

    public CurrentModel(ModelStore store) {
        this.store = store;
        this.refused = new RefusedVersions(store);
        // Loads LibTorch on a thread whose context class loader is Spring's (needed inside the fat jar).
        DjlEnvironment.loadEngine();
        serveCurrent();
    }

    /** The manifest of the model in service, if any. */
    public Optional<ModelManifest> manifest() {
        return holder.current().map(ServingModel::manifest);
    }

    /** The version in service, if any. */
    public Optional<String> version() {
        return manifest().map(ModelManifest::version);
    }

    /** The versions this instance refused to serve, with the reason, by version. */
    public Map<String, String> refusals() {
        return refused.reasons();
    }

    /**
     * Serves the store's current version if it is not already in service, unless it was refused and its files
     * have not changed since; when nothing serves, falls back to the most recently promoted version that passes.
     * A version that cannot serve leaves the model in service serving.
     */
    void serveCurrent() {
        synchronized (swaps) {
            Optional<String> serving = version();
            if (serving.isEmpty()) {
                serveBest();
                return;
            }
            Optional<String> wanted = store.currentVersion();
            if (wanted.isPresent()
                    && !wanted.equals(serving)
                    && !refused.isUnchanged(wanted.get())
                    && tryServe(wanted.get())) {
                log.info("Now serving the store's current version {} (was {})", wanted.get(), serving.get());
            }
        }
    }

    /** The current version, else the most recently promoted one that passes its checks. */
    private void serveBest() {
        Optional<String> wanted = store.currentVersion();
        if (wanted.isPresent() && !refused.isUnchanged(wanted.get()) && tryServe(wanted.get())) {
            return;
        }
        for (String fallback : fallbacks()) {
            if (!refused.isUnchanged(fallback) && tryServe(fallback)) {
                log.error(
                        "*** Serving model {} IN PLACE OF the current model {}, which is refused: {} ***",
                        fallback,
                        wanted.orElse("(none)"),
                        refusals().get(wanted.orElse("")));
                return;
            }
        }
        boolean empty = wanted.isEmpty() && store.versions().isEmpty();
        String state = empty ? "empty" : "no good version " + refusals().keySet();
        if (!state.equals(lastState)) {
            lastState = state;
            if (empty) {
                log.info("No model in {} yet", store.root());
            } else {
                log.error(
                        "*** No stored model in {} passes its checks; nothing serves (refused: {}) ***",
                        store.root(),
                        refusals());
            }
        }
    }

    /** The fall-backs; none when the history cannot be read, which must not keep the current version out. */
    private List<String> fallbacks() {
        try {
            return store.fallbacks();
        } catch (RuntimeException e) {
            log.error("Cannot read the store's history to find a fall-back: {}", e.getMessage());
            return List.of();
        }
    }

    /** Loads a version and puts it in service; false if it cannot serve. */
    private boolean tryServe(String version) {
        try {
            serve(load(version));
            return true;
        } catch (RuntimeException e) {
            log.error(
                    "*** Model {} cannot serve: {}; serving {} ***",
                    version,
                    e.getMessage(),
                    version().orElse("none"));
            return false;
        }
    }

    /** Loads a version, remembering why if it is refused. */
    private StoredModel load(String version) {
        try {
            return store.load(version);
        } catch (ModelStoreException e) {
            refused.add(version, e instanceof ModelRefusedException refusal ? refusal.reason() : e.getMessage());
            throw e;
        }
    }

    /** Puts a model already loaded (and so tested) in service; the previous one closes after its last request. */
    void serve(StoredModel loaded) {
        ServingModel next;
        try {
            next = new ServingModel(loaded);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
        synchronized (swaps) {
            holder.replace(next);
            refused.remove(loaded.version());
        }
        log.info("Serving model {} ({} people)", loaded.version(), next.people().size());
    }

    /** Switches to a model that training just promoted; a model that fails to load leaves the current one serving. */
    @EventListener
    void onModelPromoted(ModelPromotedEvent event) {
        try {
            serveCurrent();
        } catch (RuntimeException e) {
            log.error(
                    "New model {} could not be put in service", event.manifest().version(), e);
        }
    }

    /**
     * Takes a reference on the model in service; the caller must {@link ServingModel#release()} it.
     *
     * @throws ModelNotReadyException if no model serves yet
     */
    public ServingModel acquire() {
        return holder.acquire();
    }

    @Override
    public void destroy() {
        holder.replace(null);
    }
}
