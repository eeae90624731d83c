package dev.visage.jobs;

import dev.visage.system.DomainError;

/**
 * A job request that its job's state forbids: starting one while another is queued or running, or cancelling
 * one that has finished. The problem names the blocking job.
 */
public final class TrainingJobConflictException extends RuntimeException implements DomainError {

    private final TrainingJobView job;

    private TrainingJobConflictException(String message, TrainingJobView job) {
        super(message);
        this.job = job;
    }

    static TrainingJobConflictException busy(TrainingJobView active) {
        return new TrainingJobConflictException(
                "Training job " + active.id() + " is " + active.state() + "; one job runs at a time", active);
    }

    static TrainingJobConflictException finished(TrainingJobView job) {
        return new TrainingJobConflictException(
                "Training job " + job.id() + " has already finished (" + job.state() + ")", job);
    }

    @Override
    public Problem problem() {
        return new Problem(409, "job-conflict", "Training job conflict")
                .with("jobId", job.id())
                .with("state", job.state());
    }
}
