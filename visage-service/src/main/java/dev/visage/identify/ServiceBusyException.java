package dev.visage.identify;

import dev.visage.system.DomainError;

/** Too many identifications are waiting, or the model did not answer in time; the request is safe to repeat. */
public class ServiceBusyException extends RuntimeException implements DomainError {

    /** Seconds a client waits before repeating a request the busy service refused. */
    private static final int RETRY_SECONDS = 1;

    ServiceBusyException(String message) {
        super(message);
    }

    @Override
    public Problem problem() {
        return new Problem(503, "busy", "Busy").retryAfter(RETRY_SECONDS);
    }
}
