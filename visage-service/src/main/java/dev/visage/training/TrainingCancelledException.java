package dev.visage.training;

/** Thrown inside a training run when its cancellation was requested; nothing was stored. */
public final class TrainingCancelledException extends RuntimeException {

    public TrainingCancelledException() {
        super("Training was cancelled");
    }
}
