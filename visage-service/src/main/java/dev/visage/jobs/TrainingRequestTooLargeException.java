package dev.visage.jobs;

import dev.visage.system.DomainError;

/** A {@code POST /train} body over {@link TrainingRequestLimit#LIMIT_KIB} KiB. */
public final class TrainingRequestTooLargeException extends RuntimeException implements DomainError {

    TrainingRequestTooLargeException(long limit) {
        super("The training request is larger than the accepted maximum of " + limit + " bytes");
    }

    @Override
    public Problem problem() {
        return new Problem(413, "request-too-large", "Request too large");
    }
}
