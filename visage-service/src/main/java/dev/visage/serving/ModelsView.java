package dev.visage.serving;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.visage.store.Lifecycle;
import dev.visage.store.LockHolder;
import dev.visage.training.OpenSetMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /models}: the store's versions and what each is.
 *
 * @param current the version the store's {@code current} names; null when none
 * @param serving the version this instance serves; null when none (it differs from current while it follows a
 *        change, or when current is refused)
 * @param rollbackTarget the version {@code POST /models/rollback} would go to; null when none
 * @param trainingLock who holds the store-wide training lock; null when nobody
 * @param versions every stored version, newest first
 * @param events the store's latest changes, newest first
 * @param bases the stored face bases, newest first
 */
public record ModelsView(
        String current,
        String serving,
        String rollbackTarget,
        TrainingLockView trainingLock,
        List<Version> versions,
        List<Lifecycle.Event> events,
        List<BaseVersion> bases) {

    /**
     * One stored face base.
     *
     * @param version its name (its folder in the store's {@code bases/})
     * @param kind always {@code base}
     * @param inUse whether this instance uses it for face features (the newest that passes its checks)
     * @param trainedAt when it was trained
     * @param people how many people it was trained on
     * @param matchThreshold its calibrated cosine-similarity threshold for enrolled people
     * @param note why it cannot be read, if so
     */
    public record BaseVersion(
            String version,
            String kind,
            boolean inUse,
            Instant trainedAt,
            Integer people,
            Float matchThreshold,
            String note) {

        /** The kind of every base. */
        public static final String KIND = "base";
    }

    /**
     * One stored version.
     *
     * @param version its name
     * @param status what the version is to the store
     * @param serving whether this instance serves it
     * @param trainedAt when it was trained
     * @param people how many people it tells apart
     * @param testAccuracy its test figures, from {@code metrics.json}
     * @param balancedAccuracy mean per-person recall on its test part
     * @param macroF1 mean per-person F1 on its test part
     * @param openSet its open-set figures, when measured
     * @param note why it was rejected, or why this instance refused to serve it
     * @param base the face base it started from; null when trained from scratch
     * @param enrolledPeople how many of its people are enrolled people (see {@code /people}); null when none
     * @param trainedOnErasedPeople whether its weights learnt from an enrolled person since erased: such a version
     *        is never a fall-back nor a roll-back target ("trained on erased people")
     */
    public record Version(
            String version,
            Status status,
            boolean serving,
            Instant trainedAt,
            Integer people,
            Double testAccuracy,
            Double balancedAccuracy,
            Double macroF1,
            OpenSetMetrics openSet,
            String note,
            String base,
            Integer enrolledPeople,
            boolean trainedOnErasedPeople) {}

    /** What a version is to the store; in JSON, the lower-case name. */
    public enum Status {
        /** The one {@code current} names. */
        CURRENT,
        /** The roll-back target. */
        PREVIOUS,
        /** Was current before. */
        RETIRED,
        /** Never promoted. */
        CANDIDATE,
        /** The quality gate or its self-test turned it down. */
        REJECTED;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The training lock's holder.
     *
     * @param stale whether its heartbeat is so old that another instance may take the lock over
     */
    public record TrainingLockView(String owner, String jobId, Instant acquiredAt, Instant heartbeatAt, boolean stale) {

        static TrainingLockView of(LockHolder holder, boolean stale) {
            return new TrainingLockView(
                    holder.owner(), holder.jobId(), holder.acquiredAt(), holder.heartbeatAt(), stale);
        }
    }
}
