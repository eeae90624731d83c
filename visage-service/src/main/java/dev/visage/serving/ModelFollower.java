package dev.visage.serving;

import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoreProperties;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps this instance serving the store's {@code current} version, whoever changed it: every
 * {@code visage.models.poll-interval} it reads the pointer (a few bytes) and, when it names another version, loads
 * and tests that one beside the serving model and swaps it in, so no request fails. Polling, not file-system
 * events, because those do not cross NFS mounts or Docker volumes shared between hosts. It puts the newest face
 * base in use the same way. It also removes the
 * leftovers of interrupted writes once they are stale.
 */
@Component
@ConditionalOnWebApplication
class ModelFollower {

    private static final Logger log = LoggerFactory.getLogger(ModelFollower.class);

    private final CurrentModel model;
    private final CurrentBase base;
    private final ModelStore store;
    private final Duration interval;
    private final Duration staleAfter;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "model-follower");
        thread.setDaemon(true);
        return thread;
    });
    private long lastSweep = System.nanoTime();

    ModelFollower(CurrentModel model, CurrentBase base, ModelStore store, ModelStoreProperties properties) {
        this.model = model;
        this.base = base;
        this.store = store;
        this.interval = properties.pollInterval();
        this.staleAfter = properties.lockStaleAfter();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        long every = interval.toMillis();
        poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        log.info("Following {}/current every {} ms", store.root(), every);
    }

    private void poll() {
        try {
            model.serveCurrent();
            base.useNewest();
            if (System.nanoTime() - lastSweep >= staleAfter.toNanos()) {
                lastSweep = System.nanoTime();
                store.removeStaleTemporaries(staleAfter);
            }
        } catch (RuntimeException e) {
            log.warn("Cannot follow the model store {}: {}", store.root(), e.toString());
        }
    }

    @PreDestroy
    void stop() {
        poller.shutdownNow();
    }
}
