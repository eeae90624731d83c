package dev.visage.store;

import java.time.Duration;
import java.time.Instant;

/**
 * Who holds the store's training lock: the content of {@code training.lock}.
 *
 * @param owner the instance that holds it (host, process and a random part)
 * @param jobId the training job it runs
 * @param acquiredAt when it took the lock
 * @param heartbeatAt when it last said it is alive; the lock is stale once this is too old
 */
public record LockHolder(String owner, String jobId, Instant acquiredAt, Instant heartbeatAt) {

    /** How long ago the last heartbeat was. */
    public Duration heartbeatAge(Instant now) {
        return Duration.between(heartbeatAt, now);
    }

    LockHolder beat(Instant now) {
        return new LockHolder(owner, jobId, acquiredAt, now);
    }
}
