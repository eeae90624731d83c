package dev.visage.jobs;

/**
 * A job request that its job's state forbids: starting one while another is queued or running, or cancelling
 * one that has finished. Carries the blocking job.
 */
public final class TrainingJobConflictException extends RuntimeException {

    private final TrainingJobView job;

    private TrainingJobConflictException(String message, TrainingJobView job) {
        super(message);
        this.job = job;
    }

    /** The job that is in the way. */
    public TrainingJobView job() {
        return job;
    }

    static TrainingJobConflictException busy(TrainingJobView active) {
        return new TrainingJobConflictException(
                "Training job " + active.id() + " is " + active.state() + "; one job runs at a time", active);
    }

    static TrainingJobConflictException finished(TrainingJobView job) {
        return new TrainingJobConflictException(
                "Training job " + job.id() + " has already finished (" + job.state() + ")", job);
    }
}
