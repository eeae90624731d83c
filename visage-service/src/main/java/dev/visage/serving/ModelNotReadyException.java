package dev.visage.serving;

import dev.visage.system.DomainError;

/** No model is in service yet: the first one may be training, or its training failed (the detail says why). */
public class ModelNotReadyException extends RuntimeException implements DomainError {

    /** Seconds a client waits for a first model, which may be training. */
    private static final int RETRY_SECONDS = 30;

    private final String failedJob;

    public ModelNotReadyException() {
        super("No model is loaded yet; one may be training. Try again later.");
        this.failedJob = null;
    }

    /** No model is in service because the newest training job failed, as {@code failure} says. */
    public ModelNotReadyException(String job, String failure) {
        super("No model is loaded yet: training job " + job + " failed: " + failure
                + ". Once that is fixed, train again (POST /train, or restart the service).");
        this.failedJob = job;
    }

    @Override
    public Problem problem() {
        Problem problem = new Problem(503, "no-model", "No model yet").retryAfter(RETRY_SECONDS);
        return failedJob == null ? problem : problem.with("failedJob", failedJob);
    }
}
