package dev.visage.jobs;

import dev.visage.training.EpochSummary;
import dev.visage.training.TrainingObserver.TrainingStage;
import java.time.Instant;
import java.util.List;

/**
 * A training job as the REST API shows it: an immutable snapshot, taken at once.
 *
 * @param id the job's id
 * @param state where the job is in its life
 * @param cancelRequested whether cancellation was asked for; a running job stops at its next batch
 * @param settings the complete request the job runs with
 * @param stage the running stage; null before the job starts
 * @param stageDetail what the stage does, for people
 * @param epoch the current epoch, 1-based; 0 before training
 * @param epochs planned epochs
 * @param batch the last finished batch of the current epoch
 * @param batches batches per epoch; 0 before training
 * @param progress share of the running stage done, 0..1: of the images while {@code DECODING}, of the planned
 *     training steps from {@code TRAINING} on
 * @param etaSeconds estimated seconds until the last planned epoch ends; null when unknown
 * @param history figures of the finished epochs
 * @param submittedAt when the job was submitted
 * @param startedAt when it started; null while queued
 * @param finishedAt when it ended; null while queued or running
 * @param error why it failed; null unless {@link State#FAILED}
 * @param result the stored model and whether it went into service; null unless {@link State#SUCCEEDED}
 */
public record TrainingJobView(
        String id,
        State state,
        boolean cancelRequested,
        TrainingRequest settings,
        TrainingStage stage,
        String stageDetail,
        int epoch,
        int epochs,
        int batch,
        int batches,
        double progress,
        Double etaSeconds,
        List<EpochSummary> history,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        String error,
        Result result) {

    /** This job, failed at {@code now} because the instance that ran it was lost (its lock was taken over). */
    TrainingJobView lost(Instant now) {
        return with(State.FAILED, cancelRequested, now, "instance lost: the instance that ran the job stopped");
    }

    /** This job, with its cancellation asked for. */
    TrainingJobView cancelling() {
        return with(state, true, finishedAt, error);
    }

    private TrainingJobView with(State newState, boolean cancel, Instant finished, String newError) {
        return new TrainingJobView(
                id,
                newState,
                cancel,
                settings,
                stage,
                stageDetail,
                epoch,
                epochs,
                batch,
                batches,
                progress,
                etaSeconds,
                history,
                submittedAt,
                startedAt,
                finished,
                newError,
                result);
    }

    /** The life of a job: QUEUED, then RUNNING, then one of the final states; cancelled jobs may skip RUNNING. */
    public enum State {
        QUEUED,
        RUNNING,
        SUCCEEDED,
        FAILED,
        CANCELLED;

        public boolean isFinished() {
            return this != QUEUED && this != RUNNING;
        }
    }

    /**
     * The model a successful job stored, with its test figures and what became of it.
     *
     * @param modelVersion the new model's version
     * @param testAccuracy share of test images classified correctly
     * @param balancedAccuracy mean per-person recall on the test part
     * @param macroF1 mean per-person F1 on the test part
     * @param promoted whether it went into service (is now current); if not, it is kept as a candidate
     * @param promotion why it was or was not promoted: the quality gate's checks, a failed self-test, or the
     *        request's {@code promote}
     */
    public record Result(
            String modelVersion,
            double testAccuracy,
            double balancedAccuracy,
            double macroF1,
            boolean promoted,
            String promotion) {}
}
