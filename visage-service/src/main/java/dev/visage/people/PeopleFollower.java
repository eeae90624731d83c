package dev.visage.people;

import dev.visage.store.ModelStoreProperties;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
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
 * Keeps this instance's enrolled people those of the store, whoever changed them: every
 * {@code visage.models.poll-interval} (as for the model in service) it reads the folder's revision (a few bytes) and reads the people again when
 * it moved on. Polling, as for models, because file-system events do not cross shared volumes. It also removes what
 * interrupted changes left behind: erased folders at once, the rest once stale.
 */
@Component
@ConditionalOnWebApplication
class PeopleFollower {

    private static final Logger log = LoggerFactory.getLogger(PeopleFollower.class);

    private final EnrolledPeople people;
    private final Duration interval;
    private final Duration staleAfter;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "people-follower");
        thread.setDaemon(true);
        return thread;
    });
    private long lastSweep = System.nanoTime() - Long.MAX_VALUE / 2;

    PeopleFollower(EnrolledPeople people, ModelStoreProperties store) {
        this.people = people;
        this.interval = store.pollInterval();
        this.staleAfter = store.lockStaleAfter();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        long every = interval.toMillis();
        poller.scheduleWithFixedDelay(this::poll, 0, every, TimeUnit.MILLISECONDS);
        log.info(
                "Following the enrolled people in {} every {} ms",
                people.files().folder(),
                every);
    }

    private void poll() {
        try {
            people.refresh();
            if (System.nanoTime() - lastSweep >= staleAfter.toNanos()) {
                lastSweep = System.nanoTime();
                people.files().removeLeftovers(staleAfter);
            }
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "Cannot follow the enrolled people in {}: {}",
                    people.files().folder(),
                    e.toString());
        }
    }

    @PreDestroy
    void stop() {
        poller.shutdownNow();
    }
}
