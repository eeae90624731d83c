package dev.visage.training;

import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.listener.DivergenceCheckTrainingListener;
import ai.djl.training.listener.EarlyStoppingListener.EarlyStoppedException;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Pipeline;
import ai.djl.translate.TranslateException;
import dev.visage.dataset.DataSplit;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.LfwImages;
import dev.visage.face.DetectedFraming;
import dev.visage.face.Preprocessing;
import dev.visage.network.FaceNetwork;
import dev.visage.store.ModelStore;
import dev.visage.store.Probe;
import dev.visage.system.DjlEnvironment;
import dev.visage.training.TrainingProgressListener.TrainingStage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the face network on an LFW folder in DJL's idiom: the split decoded once into {@link ArrayDataset}s whose
 * pipelines augment and normalise whole batches, {@link EasyTrain} with AdamW and a warm-up + cosine learning
 * rate, listeners for divergence, progress and the best epoch, and an evaluation of that epoch on the test part.
 */
public final class FaceTrainer {

    private static final Logger log = LoggerFactory.getLogger(FaceTrainer.class);

    private final TrainingConfig config;
    private final TrainingProgressListener listener;
    private final BooleanSupplier cancelled;
    private final DetectedFraming detectedFraming;

    /** A trainer that crops every image from its centred frame (LFW's own alignment). */
    public FaceTrainer(TrainingConfig config, TrainingProgressListener listener, BooleanSupplier cancelled) {
        this(config, listener, cancelled, null);
    }

    /**
     * A trainer that crops every image around the face a detector finds, as serving crops uploads.
     *
     * @param detectedFraming the detector's framing; null for the centred frame
     */
    public FaceTrainer(
            TrainingConfig config,
            TrainingProgressListener listener,
            BooleanSupplier cancelled,
            DetectedFraming detectedFraming) {
        this.config = config;
        this.listener = listener;
        this.cancelled = cancelled;
        this.detectedFraming = detectedFraming;
    }

    /** Runs the whole training; the caller owns (and must close) the returned model. */
    public TrainedModel train(Path lfwDir) throws IOException {
        // LibTorch's thread count is per calling thread; the service's inference thread uses fewer.
        DjlEnvironment.useIntraOpThreads(DjlEnvironment.configuredIntraOpThreads());
        listener.onStage(TrainingStage.LOADING_DATA, "Listing " + lfwDir);
        long dataStart = System.nanoTime();
        LfwCatalog catalog = LfwCatalog.scan(lfwDir);
        DataSplit split = DataSplit.stratified(catalog, catalog.select(config.people()), config.seed());
        log.info(
                "Training on {} people, {} images: {} train, {} validation, {} test",
                split.people().size(),
                split.size(),
                split.train().size(),
                split.validation().size(),
                split.test().size());
        Engine.getInstance().setRandomSeed((int) config.seed());
        try (NDManager dataManager = NDManager.newBaseManager()) {
            DecodedParts parts = DecodedParts.decode(
                    catalog.root(), split, config, detectedFraming, listener, dataManager, dataStart);
            Preprocessing preprocessing = Preprocessing.measure(
                    config.crop(), parts.train().pixels(), parts.train().margin());
            Model model = Model.newInstance(ModelStore.MODEL_NAME);
            try {
                model.setBlock(
                        FaceNetwork.build(config.network(), split.people().size()));
                Fitted fitted = fit(model, parts, split, preprocessing);
                return new TrainedModel(
                        model, preprocessing, config.network(), split, fitted.metrics(), fitted.probes());
            } catch (RuntimeException | Error e) {
                model.close();
                throw e;
            }
        } catch (TranslateException e) {
            throw new IOException("Cannot read the training data: " + e.getMessage(), e);
        }
    }

    /** What training measured, and the self-test probes it picked from the test part. */
    private record Fitted(TrainingMetrics metrics, List<Probe> probes) {}

    private Fitted fit(Model model, DecodedParts parts, DataSplit split, Preprocessing preprocessing)
            throws IOException, TranslateException {
        int batchesPerEpoch = (int) Math.ceil((double) parts.train().size() / config.batchSize());
        Tracker learningRate = learningRateSchedule(batchesPerEpoch);
        ProgressListener progress =
                new ProgressListener(listener, cancelled, learningRate, config.epochs(), batchesPerEpoch);
        BatchAugmenter augmenter = new BatchAugmenter(
                config.augmentation(), parts.train().margin(), config.crop().imageSize(), config.seed());
        try (BestEpochListener best = new BestEpochListener(config.patience());
                Trainer trainer = model.newTrainer(trainingConfig(learningRate, progress, best))) {
            trainer.initialize(
                    new Shape(1, 3, config.crop().imageSize(), config.crop().imageSize()));
            long parameters = FaceNetwork.parameterCount(model.getBlock());
            log.info("Network {} with {} trainable parameters", config.network(), parameters);
            listener.onStage(TrainingStage.TRAINING, "Training up to " + config.epochs() + " epochs");
            runEpochs(
                    trainer,
                    progress,
                    parts.train().toDataset(config.batchSize(), true, new Pipeline(augmenter, preprocessing)),
                    parts.validation().toDataset(config.batchSize(), false, new Pipeline(preprocessing)));
            double trainSeconds = progress.secondsSinceStart();
            best.restore(model);
            listener.onStage(TrainingStage.EVALUATING, "Evaluating epoch " + best.bestEpoch() + " on the test part");
            int[] predicted = predict(trainer, parts.test(), preprocessing);
            List<Probe> probes = ProbeSelection.select(
                    parts.test(), predicted, split.people().size());
            return new Fitted(
                    TrainingMetrics.of(
                            Evaluation.of(split.people(), parts.test().classes(), predicted),
                            best.bestAccuracy(),
                            best.bestEpoch(),
                            progress.history(),
                            parameters,
                            parts.dataSeconds(),
                            parts.framing(),
                            trainSeconds,
                            parts.train().size() / progress.medianStepSeconds(),
                            parts.train().size()),
                    probes);
        }
    }

    private int[] predict(Trainer trainer, LfwImages test, Preprocessing preprocessing)
            throws IOException, TranslateException {
        return predict(trainer, test.toDataset(config.batchSize(), false, new Pipeline(preprocessing)));
    }

    private DefaultTrainingConfig trainingConfig(
            Tracker learningRate, ProgressListener progress, BestEpochListener best) {
        // Order matters: the evaluator listener publishes the figures that the later ones read.
        return new DefaultTrainingConfig(new SmoothedCrossEntropyLoss(config.labelSmoothing()))
                .optOptimizer(Optimizer.adamW()
                        .optLearningRateTracker(learningRate)
                        .optWeightDecays(config.weightDecay())
                        .build())
                .addEvaluator(new Accuracy(BestEpochListener.ACCURACY))
                .addTrainingListeners(
                        new EvaluatorTrainingListener(), new DivergenceCheckTrainingListener(), progress, best);
    }

    private void runEpochs(Trainer trainer, ProgressListener progress, ArrayDataset train, ArrayDataset validation)
            throws IOException, TranslateException {
        try {
            EasyTrain.fit(trainer, config.epochs(), train, validation);
        } catch (EarlyStoppedException e) {
            log.info("Stopping early after epoch {}: {}", e.getStopEpoch(), e.getMessage());
        } catch (TrainingDivergedException e) {
            throw new IllegalStateException(
                    "Training diverged in epoch " + progress.epoch()
                            + " (loss NaN); nothing was stored. Try a lower learning rate.",
                    e);
        }
    }

    private Tracker learningRateSchedule(int stepsPerEpoch) {
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

    /** Predicted class of each image of an evaluation part, in order, in inference mode. */
    private static int[] predict(Trainer trainer, ArrayDataset part) throws IOException, TranslateException {
        List<Long> predicted = new ArrayList<>();
        for (Batch batch : trainer.iterateDataset(part)) {
            try (batch) {
                NDArray logits = trainer.evaluate(batch.getData()).singletonOrThrow();
                for (long label : logits.argMax(1).toType(DataType.INT64, false).toLongArray()) {
                    predicted.add(label);
                }
            }
        }
        return predicted.stream().mapToInt(Long::intValue).toArray();
    }
}
