package dev.visage.jobs;

/** A {@code POST /train} body over {@code visage.jobs.max-request-size}. */
public final class TrainingRequestTooLargeException extends RuntimeException {

    TrainingRequestTooLargeException(long limit) {
        super("The training request is larger than the accepted maximum of " + limit + " bytes");
    }
}
