package dev.visage.web;

import dev.visage.jobs.TrainingJobConflictException;
import dev.visage.jobs.TrainingJobNotFoundException;
import dev.visage.jobs.TrainingRequestTooLargeException;
import dev.visage.store.ModelNotFoundException;
import dev.visage.store.ModelRefusedException;
import dev.visage.store.TrainingLockedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * The problem details of the model life cycle's domain exceptions: versions, the training lock, training jobs and
 * their request size.
 */
final class LifecycleProblems {

    private LifecycleProblems() {}

    static ProblemDetail of(RuntimeException ex) {
        if (ex instanceof ModelNotFoundException missing) {
            ProblemDetail problem =
                    Problems.of(HttpStatus.NOT_FOUND, "no-such-model", "No such model version", ex.getMessage());
            problem.setProperty("version", missing.version());
            return problem;
        }
        if (ex instanceof ModelRefusedException refused) {
            ProblemDetail problem =
                    Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "model-refused", "Model refused", ex.getMessage());
            problem.setProperty("version", refused.version());
            problem.setProperty("reason", refused.reason());
            return problem;
        }
        if (ex instanceof TrainingLockedException locked) {
            ProblemDetail problem = Problems.of(
                    HttpStatus.CONFLICT, "training-elsewhere", "Training runs on another instance", ex.getMessage());
            problem.setProperty("owner", locked.holder().owner());
            problem.setProperty("jobId", locked.holder().jobId());
            problem.setProperty("heartbeatAt", locked.holder().heartbeatAt());
            return problem;
        }
        if (ex instanceof TrainingJobConflictException conflict) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
            problem.setTitle("Training job conflict");
            problem.setProperty("jobId", conflict.job().id());
            problem.setProperty("state", conflict.job().state());
            return problem;
        }
        if (ex instanceof TrainingJobNotFoundException) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
        }
        if (ex instanceof TrainingRequestTooLargeException) {
            return Problems.of(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "Request too large", ex.getMessage());
        }
        return Problems.of(HttpStatus.CONFLICT, "model-conflict", "Model version conflict", ex.getMessage());
    }
}
