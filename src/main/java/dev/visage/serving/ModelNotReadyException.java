package dev.visage.serving;

import dev.visage.system.DomainError;

/** No model is in service yet (the first one may be training); the request can be repeated later. */
public class ModelNotReadyException extends RuntimeException implements DomainError {

    /** Seconds a client waits for a first model, which may be training. */
    private static final int RETRY_SECONDS = 30;

    public ModelNotReadyException() {
        super("No model is loaded yet; one may be training. Try again later.");
    }

    @Override
    public Problem problem() {
        return new Problem(503, "no-model", "No model yet").retryAfter(RETRY_SECONDS);
    }
}
