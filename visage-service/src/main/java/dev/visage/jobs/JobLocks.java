package dev.visage.jobs;

import dev.visage.store.LockHolder;
import dev.visage.store.TrainingLock;
import jakarta.annotation.PreDestroy;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Holds the store's {@link TrainingLock} for a training job and keeps its heartbeat going on a small thread of its
 * own, so a long training step cannot make the lock look stale; tells the job when another instance took it.
 */
@Component
class JobLocks {

    private static final Logger log = LoggerFactory.getLogger(JobLocks.class);

    private final TrainingLock lock;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "training-lock-heartbeat");
        thread.setDaemon(true);
        return thread;
    });

    JobLocks(TrainingLock lock) {
        this.lock = lock;
    }

    /**
     * Takes the store-wide lock for a job.
     *
     * @param onLost runs (once) if another instance takes the lock over as stale
     * @throws dev.visage.store.TrainingLockedException if another instance holds it
     */
    Held acquire(String jobId, Runnable onLost) {
        return new Held(lock.acquire(jobId), onLost);
    }

    String owner() {
        return lock.owner();
    }

    /** The lock of one job: beaten regularly until closed. */
    final class Held implements AutoCloseable {

        private final TrainingLock.Lease lease;
        private final ScheduledFuture<?> beating;
        private volatile boolean lost;

        private Held(TrainingLock.Lease lease, Runnable onLost) {
            this.lease = lease;
            long every = Math.max(1, lock.heartbeatInterval().toMillis());
            this.beating = heartbeats.scheduleWithFixedDelay(() -> beat(onLost), every, every, TimeUnit.MILLISECONDS);
        }

        private void beat(Runnable onLost) {
            try {
                if (!lost && !lease.heartbeat()) {
                    lost = true;
                    log.error(
                            "Training job {} lost the store's training lock to another instance",
                            lease.holder().jobId());
                    onLost.run();
                }
            } catch (RuntimeException e) {
                log.warn("Training lock heartbeat failed: {}", e.toString());
            }
        }

        /** The job whose stale lock this one took over, if any. */
        Optional<String> takenOverFrom() {
            return lease.takenOverFrom().map(LockHolder::jobId);
        }

        /** Whether the job still holds the lock (checked in the store, not from memory). */
        boolean isHeld() {
            return !lost && lease.isHeld();
        }

        @Override
        public void close() {
            beating.cancel(false);
            try {
                lease.close();
            } catch (RuntimeException e) {
                log.warn("Cannot release the training lock: {}", e.toString());
            }
        }
    }

    @PreDestroy
    void shutdown() {
        heartbeats.shutdownNow();
    }
}
