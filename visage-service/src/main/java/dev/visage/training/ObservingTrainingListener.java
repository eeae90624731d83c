package dev.visage.training;

import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Reports a run's batches and epochs (with ETA) to a {@link TrainingObserver}, times the training steps
 * of each epoch, and stops the run at the next batch once cancellation is requested. Must follow DJL's
 * {@code EvaluatorTrainingListener}, whose evaluations it reads.
 */
final class ObservingTrainingListener extends TrainingListenerAdapter {

    private final TrainingObserver listener;
    private final BooleanSupplier cancelled;
    private final Tracker learningRate;
    private final int epochs;
    private final int batchesPerEpoch;
    private final List<EpochSummary> history = new ArrayList<>();
    private final List<Double> stepSeconds = new ArrayList<>();
    private final long trainStart = System.nanoTime();
    private long epochStart = trainStart;
    private long stepsEnd;
    private int epoch = 1;
    private int batch;
    private int step;

    ObservingTrainingListener(
            TrainingObserver listener,
            BooleanSupplier cancelled,
            Tracker learningRate,
            int epochs,
            int batchesPerEpoch) {
        this.listener = listener;
        this.cancelled = cancelled;
        this.learningRate = learningRate;
        this.epochs = epochs;
        this.batchesPerEpoch = batchesPerEpoch;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (cancelled.getAsBoolean()) {
            throw new TrainingCancelledException();
        }
        batch++;
        step++;
        listener.onBatch(
                epoch, batch, batchesPerEpoch, trainer.getLoss().getAccumulator(EvaluatorTrainingListener.TRAIN_ALL));
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
        if (stepsEnd == 0) {
            stepsEnd = System.nanoTime();
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        long now = System.nanoTime();
        stepSeconds.add(((stepsEnd == 0 ? now : stepsEnd) - epochStart) / 1e9);
        TrainingResult result = trainer.getTrainingResult();
        double eta = (epochs - epoch) * (now - trainStart) / 1e9 / epoch;
        EpochSummary summary = new EpochSummary(
                epoch,
                epochs,
                result.getTrainLoss(),
                result.getTrainEvaluation(BestEpochListener.ACCURACY),
                result.getValidateEvaluation(BestEpochListener.ACCURACY),
                learningRate.getNewValue(step),
                stepSeconds.get(stepSeconds.size() - 1),
                eta);
        history.add(summary);
        listener.onEpoch(summary);
        epoch++;
        batch = 0;
        stepsEnd = 0;
        epochStart = System.nanoTime();
    }

    /** The epoch in progress, 1-based. */
    int epoch() {
        return epoch;
    }

    List<EpochSummary> history() {
        return List.copyOf(history);
    }

    /** Median wall time of an epoch's training steps. */
    double medianStepSeconds() {
        double[] sorted =
                stepSeconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    double secondsSinceStart() {
        return (System.nanoTime() - trainStart) / 1e9;
    }
}
