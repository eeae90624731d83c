package dev.visage.training;

import java.util.Locale;

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
        double etaSeconds) {

    /** One line for a log or a console. */
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "epoch %3d/%d  loss %.4f  train acc %.4f  val acc %.4f  lr %.5f  %.1f s  ETA %.0f s",
                epoch,
                epochs,
                trainLoss,
                trainAccuracy,
                validationAccuracy,
                learningRate,
                seconds,
                etaSeconds);
    }
}
