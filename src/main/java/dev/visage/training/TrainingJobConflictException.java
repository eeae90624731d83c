package dev.visage.training;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A job request that its job's state forbids: starting one while another is queued or running, or cancelling
 * one that has finished. Rendered as 409 with the blocking job's {@code jobId} and {@code state}.
 */
public final class TrainingJobConflictException extends ErrorResponseException {

    private TrainingJobConflictException(String detail, TrainingJobView job) {
        super(HttpStatus.CONFLICT, ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail), null);
        getBody().setTitle("Training job conflict");
        getBody().setProperty("jobId", job.id());
        getBody().setProperty("state", job.state());
    }

    public static TrainingJobConflictException busy(TrainingJobView active) {
        return new TrainingJobConflictException("Training job " + active.id() + " is " + active.state()
                + "; one job runs at a time", active);
    }

    public static TrainingJobConflictException finished(TrainingJobView job) {
        return new TrainingJobConflictException("Training job " + job.id() + " has already finished ("
                + job.state() + ")", job);
    }
}
