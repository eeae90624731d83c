package dev.visage.training;

/**
 * Figures of one finished epoch.
 *
 * @param epoch 1-based epoch number
 * @param epochs planned number of epochs
 * @param trainLoss mean loss over the epoch's batches
 * @param trainAccuracy accuracy on the (augmented) training batches
 * @param validationAccuracy accuracy on the validation part
 * @param learningRate learning rate at the end of the epoch
 * @param seconds wall time of the epoch's training steps
 * @param etaSeconds estimated seconds until the last planned epoch ends
 */
public record EpochSummary(
        int epoch,
        int epochs,
        float trainLoss,
        float trainAccuracy,
        float validationAccuracy,
        float learningRate,
        double seconds,
        double etaSeconds) {}
