package dev.visage.serving;

import dev.visage.store.ModelManifest;
import dev.visage.store.ModelRefusedException;
import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoreException;
import dev.visage.store.ModelStoredEvent;
import dev.visage.store.StoredModel;
import dev.visage.system.DjlEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The model in service, swapped without failing a request: each request {@link #acquire()}s the model it starts
 * with and releases it after, and a replaced model is closed after its last request.
 *
 * <p>Only a version that loads and passes its checks and self-test ever serves. At start-up that is the current
 * version or, when it is refused, the most recently promoted version that passes (logged loudly; the store's
 * {@code current} is left for an operator to fix). Refused versions are remembered with their reason, for health,
 * and not retried until their files change.
 */
@Service
public class CurrentModel implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CurrentModel.class);

    private final ModelStore store;
    private final AtomicReference<ServingModel> current = new AtomicReference<>();
    private final Object swaps = new Object();
    private final Map<String, Refusal> refused = new ConcurrentHashMap<>();
    /** What {@link #serveBest()} last reported when nothing could serve, so that polling does not repeat it. */
    private volatile String lastState;

    public CurrentModel(ModelStore store) {
        this.store = store;
        // Loads LibTorch on a thread whose context class loader is Spring's (needed inside the fat jar).
        DjlEnvironment.loadEngine();
        serveBest();
    }

    /** A version this instance refused: why, and the state of its files then. */
    private record Refusal(String reason, String files) {}

    /** The manifest of the model in service, if any. */
    public Optional<ModelManifest> manifest() {
        return Optional.ofNullable(current.get()).map(ServingModel::manifest);
    }

    /** The version in service, if any. */
    public Optional<String> version() {
        return manifest().map(ModelManifest::version);
    }

    /** The versions this instance refused to serve, with the reason, by version. */
    public Map<String, String> refusals() {
        Map<String, String> reasons = new TreeMap<>();
        refused.forEach((version, refusal) -> reasons.put(version, refusal.reason()));
        return reasons;
    }

    /**
     * Loads a stored version and puts it in service; the previous model closes after its in-flight requests.
     *
     * @throws dev.visage.store.ModelStoreException if the version is missing or refused; the model in service
     *     stays
     */
    public void serve(String version) {
        synchronized (swaps) {
            StoredModel loaded;
            try {
                loaded = store.load(version);
            } catch (ModelStoreException e) {
                String reason = e instanceof ModelRefusedException refusal ? refusal.reason() : e.getMessage();
                refused.put(version, new Refusal(reason, StoreFiles.state(store, version)));
                throw e;
            }
            serve(loaded);
        }
    }

    /** Puts an already loaded (and so tested) model in service. */
    public void serve(StoredModel loaded) {
        ServingModel next;
        try {
            next = new ServingModel(loaded);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
        ServingModel previous;
        synchronized (swaps) {
            previous = current.getAndSet(next);
            refused.remove(loaded.version());
        }
        log.info("Serving model {} ({} people)", loaded.version(), next.people().size());
        if (previous != null) {
            previous.release();
        }
    }

    /**
     * Serves the store's current version if it is not already in service, unless it was refused and its files
     * have not changed since; when nothing serves, falls back as at start-up.
     */
    void followCurrent() {
        synchronized (swaps) {
            Optional<String> wanted = store.currentVersion();
            if (current.get() == null) {
                serveBest();
                return;
            }
            if (wanted.isEmpty() || wanted.equals(version()) || isKnownRefused(wanted.get())) {
                return;
            }
            String previous = version().orElse("none");
            try {
                serve(wanted.get());
                log.info("Followed the store's current version: now serving {} (was {})", wanted.get(), previous);
            } catch (RuntimeException e) {
                log.error(
                        "Current model {} cannot serve ({}); still serving {}", wanted.get(), e.getMessage(), previous);
            }
        }
    }

    private boolean isKnownRefused(String version) {
        Refusal refusal = refused.get(version);
        return refusal != null && refusal.files().equals(StoreFiles.state(store, version));
    }

    /** The current version, else the most recently promoted one that passes its checks. */
    private void serveBest() {
        Optional<String> wanted = store.currentVersion();
        if (wanted.isPresent() && !isKnownRefused(wanted.get()) && tryServe(wanted.get())) {
            return;
        }
        for (String fallback : fallbacks()) {
            if (!isKnownRefused(fallback) && tryServe(fallback)) {
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

    private boolean tryServe(String version) {
        try {
            serve(version);
            return true;
        } catch (RuntimeException e) {
            log.error("*** Model {} cannot serve: {} ***", version, e.getMessage());
            return false;
        }
    }

    /** Switches to a model that training just promoted; a model that fails to load leaves the current one serving. */
    @EventListener
    void onModelStored(ModelStoredEvent event) {
        try {
            synchronized (swaps) {
                if (!version().filter(event.manifest().version()::equals).isPresent()) {
                    serve(event.manifest().version());
                }
            }
        } catch (RuntimeException e) {
            log.error(
                    "New model {} could not be put in service; still serving {}",
                    event.manifest().version(),
                    version().orElse("none"),
                    e);
        }
    }

    /**
     * Takes a reference on the model in service; the caller must {@link ServingModel#release()} it.
     *
     * @throws ModelNotReadyException if no model serves yet
     */
    public ServingModel acquire() {
        while (true) {
            ServingModel model = current.get();
            if (model == null) {
                throw new ModelNotReadyException();
            }
            if (model.acquire()) {
                return model;
            }
            // Swapped out and closed between get() and acquire(): the next read sees its successor.
        }
    }

    @Override
    public void destroy() {
        ServingModel model = current.getAndSet(null);
        if (model != null) {
            model.release();
        }
    }
}
