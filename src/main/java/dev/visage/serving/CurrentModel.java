package dev.visage.serving;

import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoredEvent;
import dev.visage.system.DjlEnvironment;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The model in service, swapped without failing a request: each request {@link #acquire()}s the model it starts
 * with and releases it after, and a replaced model is closed after its last request.
 */
@Service
public class CurrentModel implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CurrentModel.class);

    private final ModelStore store;
    private final AtomicReference<ServingModel> current = new AtomicReference<>();

    public CurrentModel(ModelStore store) {
        this.store = store;
        // Loads LibTorch on a thread whose context class loader is Spring's (needed inside the fat jar).
        DjlEnvironment.loadEngine();
        store.currentVersion().ifPresentOrElse(this::serve, () -> log.info("No model in {} yet", store.root()));
    }

    /** The manifest of the model in service, if any. */
    public Optional<ModelManifest> manifest() {
        return Optional.ofNullable(current.get()).map(ServingModel::manifest);
    }

    /** Loads a stored version and puts it in service; the previous model closes after its in-flight requests. */
    public void serve(String version) {
        ServingModel next = new ServingModel(store.load(version));
        ServingModel previous = current.getAndSet(next);
        log.info("Serving model {} ({} people)", version, next.people().size());
        if (previous != null) {
            previous.release();
        }
    }

    /** Switches to a model that training just stored; a model that fails to load leaves the current one serving. */
    @EventListener
    void onModelStored(ModelStoredEvent event) {
        try {
            serve(event.manifest().version());
        } catch (RuntimeException e) {
            log.error(
                    "New model {} could not be put in service; still serving {}",
                    event.manifest().version(),
                    manifest().map(ModelManifest::version).orElse("none"),
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
