package dev.visage.training;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.EarlyStoppingListener.EarlyStoppedException;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the weights of the epoch with the best validation accuracy and stops after {@code patience} epochs
 * without a better one. Unlike DJL's {@code EarlyStoppingListener} (validation loss, last weights) it watches
 * accuracy, the figure the model is judged by, and restores the best epoch. Must follow DJL's
 * {@code EvaluatorTrainingListener}, which publishes the epoch's validation accuracy.
 */
final class BestEpochListener extends TrainingListenerAdapter implements AutoCloseable {

    static final String ACCURACY = "Accuracy";

    private final int patience;
    private final NDManager kept = NDManager.newBaseManager();
    private final Map<String, NDArray> bestWeights = new HashMap<>();
    private float bestAccuracy = -1;
    private int bestEpoch;
    private int lastImprovement;
    private int epoch;

    /** @param patience epochs without a better validation accuracy before stopping; 0 never stops early */
    BestEpochListener(int patience) {
        this.patience = patience;
    }

    @Override
    public void onEpoch(Trainer trainer) {
        epoch++;
        float accuracy = trainer.getTrainingResult().getValidateEvaluation(ACCURACY);
        // On a tie the later epoch is kept (a lower learning rate by then), but only a better score counts as
        // progress for early stopping.
        if (accuracy > bestAccuracy) {
            lastImprovement = epoch;
        }
        if (accuracy >= bestAccuracy) {
            bestAccuracy = accuracy;
            bestEpoch = epoch;
            keep(trainer.getModel());
        }
        if (patience > 0 && epoch - lastImprovement >= patience) {
            throw new EarlyStoppedException(epoch, "no better validation accuracy for " + patience + " epochs");
        }
    }

    /** Copies the current weights (including batch-norm statistics) aside. */
    private void keep(Model model) {
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            NDArray copy = parameter.getValue().getArray().duplicate();
            copy.attach(kept);
            NDArray previous = bestWeights.put(parameter.getKey(), copy);
            if (previous != null) {
                previous.close();
            }
        }
    }

    /** Puts the best epoch's weights back into the model. */
    void restore(Model model) {
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            bestWeights.get(parameter.getKey()).copyTo(parameter.getValue().getArray());
        }
    }

    float bestAccuracy() {
        return bestAccuracy;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void close() {
        kept.close();
    }
}
