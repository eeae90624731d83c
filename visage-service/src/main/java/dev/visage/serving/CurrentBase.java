package dev.visage.serving;

import dev.visage.store.BaseStore;
import dev.visage.store.BaseStoredEvent;
import dev.visage.store.ModelStoreException;
import dev.visage.store.StoredModel;
import dev.visage.system.DjlEnvironment;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The face base in use: the newest stored base that loads and passes its checks and self-test (a damaged one is
 * refused, logged, and the next older one used). Follows the store: a base stored by this instance is put in use
 * at once, one stored by another instance when {@link ModelFollower} next polls. Swapped like the model: holders keep the base they acquired
 * until they close it, and a replaced base is freed after its last holder.
 */
@Service
public class CurrentBase implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CurrentBase.class);

    private final BaseStore store;
    private final AtomicReference<ServingBase> current = new AtomicReference<>();
    private final Object swaps = new Object();
    /** Versions refused once; a base's folder never changes after it is stored, so they are not retried. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    public CurrentBase(BaseStore store) {
        this.store = store;
        DjlEnvironment.loadEngine();
        useNewest();
    }

    /** The version of the base in use, if any. */
    public Optional<String> version() {
        return Optional.ofNullable(current.get()).map(ServingBase::version);
    }

    /**
     * Takes a reference on the base in use; the caller must close it (try-with-resources).
     *
     * @return empty when no base is stored yet (or none passes its checks)
     */
    public Optional<FaceFeatures> acquire() {
        while (true) {
            ServingBase base = current.get();
            if (base == null) {
                return Optional.empty();
            }
            FaceFeatures features = base.acquire();
            if (features != null) {
                return Optional.of(features);
            }
            // Replaced and closed between get() and acquire(): the next read sees its successor.
        }
    }

    /** Puts the newest stored base that passes in use, unless it already is. */
    public void useNewest() {
        synchronized (swaps) {
            List<String> versions = store.versions();
            for (int i = versions.size() - 1; i >= 0; i--) {
                String version = versions.get(i);
                if (version().filter(version::equals).isPresent()) {
                    return;
                }
                if (refused.contains(version)) {
                    continue;
                }
                try {
                    StoredModel loaded = store.load(version);
                    replace(new ServingBase(loaded));
                    log.info(
                            "Using face base {} ({} people)",
                            version,
                            loaded.manifest().people().size());
                    return;
                } catch (ModelStoreException e) {
                    refused.add(version);
                    log.error("*** Face base {} is refused: {} ***", version, e.getMessage());
                }
            }
        }
    }

    @EventListener
    void onBaseStored(BaseStoredEvent event) {
        useNewest();
    }

    private void replace(ServingBase next) {
        ServingBase previous = current.getAndSet(next);
        if (previous != null) {
            previous.release();
        }
    }

    @Override
    public void destroy() {
        synchronized (swaps) {
            replace(null);
        }
    }
}
