package dev.visage.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store-wide training lock, {@code training.lock}: at most one training job among all instances that share a
 * model store. The file names its holder and the holder's last heartbeat; a holder that has not beaten for
 * {@code staleAfter} (it died, or hangs) loses the lock to the next instance that asks. Every step runs inside the
 * store's {@link StoreMutex}, so two instances never both take it.
 */
public final class TrainingLock {

    static final String FILE = "training.lock";

    private static final Logger log = LoggerFactory.getLogger(TrainingLock.class);

    private final ModelStore store;
    private final String owner;
    private final Duration staleAfter;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    public TrainingLock(ModelStore store, String owner, Duration staleAfter, Clock clock) {
        this.store = store;
        this.owner = owner;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** This instance's name in the lock file. */
    public String owner() {
        return owner;
    }

    /** How often a holder should beat: a sixth of the time after which it would be taken for dead. */
    public Duration heartbeatInterval() {
        return staleAfter.dividedBy(6);
    }

    /**
     * Takes the lock for a job, from nobody or from a stale holder.
     *
     * @throws TrainingLockedException if a live holder has it
     */
    public Lease acquire(String jobId) {
        LockHolder mine = new LockHolder(owner, jobId, clock.instant(), clock.instant());
        Optional<LockHolder> stale = step(() -> {
            Optional<LockHolder> held = read();
            if (held.isPresent() && !isStale(held.get())) {
                throw new TrainingLockedException(held.get());
            }
            held.ifPresent(dead -> log.warn(
                    "Taking over the training lock of {} (job {}): its last heartbeat was {} s ago",
                    dead.owner(),
                    dead.jobId(),
                    dead.heartbeatAge(clock.instant()).toSeconds()));
            LifecycleFile.replace(store.root(), FILE, json.writeValueAsString(mine));
            return held;
        });
        return new Lease(mine, stale);
    }

    /** Who holds the lock now, stale or not; empty when nobody does. */
    public Optional<LockHolder> holder() {
        return step(this::read);
    }

    /** Whether {@code holder} has not beaten for too long. */
    public boolean isStale(LockHolder holder) {
        return holder.heartbeatAge(clock.instant()).compareTo(staleAfter) > 0;
    }

    private Optional<LockHolder> read() throws IOException {
        Path file = store.root().resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), LockHolder.class));
        } catch (JacksonException e) {
            // A damaged lock file protects nothing; it is treated as stale.
            log.warn("Unreadable {}: {}", file, e.getOriginalMessage());
            return Optional.of(new LockHolder(
                    "unknown",
                    "unknown",
                    clock.instant().minus(staleAfter.multipliedBy(2)),
                    clock.instant().minus(staleAfter.multipliedBy(2))));
        }
    }

    private <T> T step(StoreMutex.Step<T> step) {
        try {
            return store.mutex().run(step);
        } catch (IOException e) {
            throw new ModelStoreException("Cannot use the training lock in " + store.root() + ": " + e, e);
        }
    }

    /** A held lock: beat it regularly, close it when the job ends. */
    public final class Lease implements AutoCloseable {

        private final LockHolder held;
        private final Optional<LockHolder> takenOverFrom;

        private Lease(LockHolder held, Optional<LockHolder> takenOverFrom) {
            this.held = held;
            this.takenOverFrom = takenOverFrom;
        }

        public LockHolder holder() {
            return held;
        }

        /** The stale holder this lease took the lock from (its instance died or hung); empty if it was free. */
        public Optional<LockHolder> takenOverFrom() {
            return takenOverFrom;
        }

        /**
         * Tells the others this holder is alive.
         *
         * @return false if the lock was lost (taken over as stale): the job must not store or promote anything
         */
        public boolean heartbeat() {
            return step(() -> {
                if (!isMine(read())) {
                    return false;
                }
                LifecycleFile.replace(store.root(), FILE, json.writeValueAsString(held.beat(clock.instant())));
                return true;
            });
        }

        /** Whether the lock is still this lease's. */
        public boolean isHeld() {
            return step(() -> isMine(read()));
        }

        /** Releases the lock if it is still this lease's. */
        @Override
        public void close() {
            step(() -> {
                if (isMine(read())) {
                    Files.deleteIfExists(store.root().resolve(FILE));
                }
                return null;
            });
        }

        private boolean isMine(Optional<LockHolder> current) {
            return current.filter(
                            h -> h.owner().equals(held.owner()) && h.jobId().equals(held.jobId()))
                    .isPresent();
        }
    }
}
