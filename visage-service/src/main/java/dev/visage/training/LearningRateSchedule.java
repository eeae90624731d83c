package dev.visage.training;

import ai.djl.training.tracker.Tracker;

/** AdamW's learning rate over a run: a linear warm-up from a tenth of the peak, then a cosine decay to a hundredth. */
final class LearningRateSchedule {

    private LearningRateSchedule() {}

    static Tracker of(TrainingConfig config, int stepsPerEpoch) {
        int warmupSteps = config.warmupEpochs() * stepsPerEpoch;
        int totalSteps = config.epochs() * stepsPerEpoch;
        Tracker cosine = Tracker.cosine()
                .setBaseValue(config.learningRate())
                .optFinalValue(config.learningRate() / 100)
                .setMaxUpdates(Math.max(1, totalSteps - warmupSteps))
                .build();
        if (warmupSteps == 0) {
            return cosine;
        }
        return Tracker.warmUp()
                .setMainTracker(cosine)
                .optWarmUpSteps(warmupSteps)
                .optWarmUpBeginValue(config.learningRate() / 10)
                .build();
    }
}
