package dev.visage.jobs;

import dev.visage.system.DomainError;

/** No training job with that id is remembered. */
public final class TrainingJobNotFoundException extends RuntimeException implements DomainError {

    TrainingJobNotFoundException(String id) {
        super("No training job " + id);
    }

    @Override
    public Problem problem() {
        return new Problem(404, "no-such-job", "No such training job");
    }
}
