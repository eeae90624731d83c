package dev.visage.training;

/** Receives a training run's progress; the CLI draws it as a progress bar, the service exposes it per job. */
public interface TrainingObserver {

    /** The run entered a new stage; {@code detail} says what happens in it, for people. */
    default void onStage(TrainingStage stage, String detail) {}

    /** Fired as the images are decoded, in no strict order: {@code images} of {@code total} are done. */
    default void onDecoded(int images, int total) {}

    /** Fired after each optimizer step. */
    default void onBatch(int epoch, int batch, int batches, float loss) {}

    default void onEpoch(EpochSummary summary) {}

    /** The stages of a run, in order. */
    enum TrainingStage {
        LOADING_DATA,
        DECODING,
        TRAINING,
        EVALUATING,
        STORING
    }
}
