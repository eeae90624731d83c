package dev.visage.training;

import ai.djl.Model;
import ai.djl.TrainingDivergedException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
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
import dev.visage.dataset.OutsiderSample;
import dev.visage.face.AlignedPhotoFraming;
import dev.visage.face.Preprocessing;
import dev.visage.network.FaceNetwork;
import dev.visage.store.ModelStore;
import dev.visage.store.Probe;
import dev.visage.system.DjlEnvironment;
import dev.visage.training.TrainingObserver.TrainingStage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the face network in DJL's idiom: the split decoded once into {@link ArrayDataset}s whose pipelines augment
 * and normalise whole batches, {@link EasyTrain} with AdamW and a warm-up + cosine rate, listeners for divergence,
 * progress and the best epoch, and an evaluation of that epoch on the test part.
 */
public final class FaceTrainer {

    private static final Logger log = LoggerFactory.getLogger(FaceTrainer.class);

    private final TrainingConfig config;
    private final TrainingObserver listener;
    private final BooleanSupplier cancelled;
    private final AlignedPhotoFraming detectedFraming;
    private final BaseTrunk trunk;

    /** A trainer that crops every image from its centred frame (LFW's own alignment). */
    public FaceTrainer(TrainingConfig config, TrainingObserver listener, BooleanSupplier cancelled) {
        this(config, listener, cancelled, null, null);
    }

    /**
     * A trainer that crops every image around the face a detector finds, as serving crops uploads, and may start
     * from a face base's trunk.
     *
     * @param detectedFraming the detector's framing; null for the centred frame
     * @param trunk the base to start from, whose network and input {@code config} must have
     *     ({@link BaseTrunk#configFor}); null to start from scratch
     */
    public FaceTrainer(
            TrainingConfig config,
            TrainingObserver listener,
            BooleanSupplier cancelled,
            AlignedPhotoFraming detectedFraming,
            BaseTrunk trunk) {
        this.config = config;
        this.listener = listener;
        this.cancelled = cancelled;
        this.detectedFraming = detectedFraming;
        this.trunk = trunk;
    }

    /**
     * Runs the whole training on the stratified split of an LFW folder; the caller owns (and must close) the
     * returned model.
     */
    public TrainedModel train(Path lfwDir) throws IOException {
        listener.onStage(TrainingStage.LOADING_DATA, "Listing " + lfwDir);
        LfwCatalog catalog = LfwCatalog.scan(lfwDir);
        OutsiderSample sample = config.openSet().sample();
        return train(catalog, DataSplit.stratified(catalog, catalog.select(config.people()), config.seed(), sample));
    }

    /** Runs the whole training on a given split of the catalog's images; the caller owns the returned model. */
    public TrainedModel train(LfwCatalog catalog, DataSplit split) throws IOException {
        // LibTorch's thread count is per calling thread; the service's inference thread uses fewer.
        DjlEnvironment.useIntraOpThreads(DjlEnvironment.configuredIntraOpThreads());
        long dataStart = System.nanoTime();
        log.info("Training on {}", split.summary());
        Engine.getInstance().setRandomSeed((int) config.seed());
        try (NDManager dataManager = NDManager.newBaseManager()) {
            DecodedParts parts =
                    DecodedParts.decode(catalog, split, config, detectedFraming, listener, dataManager, dataStart);
            Preprocessing preprocessing = trunk != null
                    ? trunk.preprocessing(config.crop())
                    : Preprocessing.measure(
                            config.crop(), parts.train().pixels(), parts.train().margin());
            Model model = Model.newInstance(ModelStore.MODEL_NAME);
            try {
                int background = parts.shown().backgroundPeople();
                model.setBlock(
                        FaceNetwork.build(config.network(), split.people().size() + background));
                Fitted fitted = fit(model, parts, split, preprocessing);
                return new TrainedModel(
                        model,
                        preprocessing,
                        config.network(),
                        split,
                        background,
                        fitted.metrics(),
                        fitted.probes(),
                        trunk == null ? null : trunk.version());
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
        int batchesPerEpoch = (int) Math.ceil((double) parts.peopleTrainImages() / config.batchSize());
        Tracker learningRate = LearningRateSchedule.of(config, batchesPerEpoch);
        ObservingTrainingListener progress =
                new ObservingTrainingListener(listener, cancelled, learningRate, config.epochs(), batchesPerEpoch);
        int people = split.people().size();
        try (BestEpochListener best = new BestEpochListener(config.patience());
                Trainer trainer = model.newTrainer(trainingConfig(model, learningRate, progress, best, people))) {
            trainer.initialize(
                    new Shape(1, 3, config.crop().imageSize(), config.crop().imageSize()));
            long parameters = FaceNetwork.parameterCount(model.getBlock());
            Optional.ofNullable(trunk).ifPresent(base -> base.loadInto(model.getBlock()));
            listener.onStage(TrainingStage.TRAINING, "Training up to " + config.epochs() + " epochs");
            runEpochs(trainer, progress, trainingData(parts, preprocessing), part(parts.validation(), preprocessing));
            double trainSeconds = progress.secondsSinceStart();
            int epochImages =
                    parts.imagesPerEpoch(batchesPerEpoch, config.openSet().outliersPerBatch());
            log.info("Network {} with {} trainable parameters", config.network(), parameters);
            best.restore(model);
            listener.onStage(TrainingStage.EVALUATING, "Evaluating epoch " + best.bestEpoch() + " on the test part");
            PartLogits test = logits(trainer, parts.test(), preprocessing, people);
            int[] predicted = test.predicted();
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
                            epochImages / progress.medianStepSeconds(),
                            parts.peopleTrainImages(),
                            openSet(trainer, parts, preprocessing, test)),
                    ProbeSelection.select(
                            parts.test(), predicted, split.people().size()));
        }
    }

    /** The people's training images with their outliers mixed into every batch, or shuffled alone. */
    private ArrayDataset trainingData(DecodedParts parts, Preprocessing preprocessing) {
        BatchAugmenter augmenter = new BatchAugmenter(
                config.augmentation(), parts.train().margin(), config.crop().imageSize(), config.seed());
        Pipeline pipeline = new Pipeline(augmenter, preprocessing);
        if (parts.outliers() == 0) {
            return parts.train().toDataset(config.batchSize(), true, pipeline);
        }
        return parts.train()
                .toDataset(
                        new OutlierMixingSampler(
                                parts.peopleTrainImages(),
                                parts.outliers(),
                                config.batchSize(),
                                config.openSet().outliersPerBatch(),
                                config.seed()),
                        pipeline);
    }

    /** The calibrated threshold and the open-set figures; null when the split sampled no outsiders to do it on. */
    private OpenSetMetrics openSet(Trainer trainer, DecodedParts parts, Preprocessing preprocessing, PartLogits test)
            throws IOException, TranslateException {
        if (parts.outlierValidation().size() == 0 || parts.strangers().size() == 0) {
            return null;
        }
        listener.onStage(TrainingStage.EVALUATING, "Calibrating the threshold and measuring it on strangers");
        return OpenSetMetrics.measure(
                config.openSet(),
                parts.shown(),
                logits(trainer, parts.validation(), preprocessing, test.people()),
                parts.validation().classes(),
                logits(trainer, parts.outlierValidation(), preprocessing, test.people()),
                test,
                parts.test().classes(),
                logits(trainer, parts.strangers(), preprocessing, test.people()));
    }

    private PartLogits logits(Trainer trainer, LfwImages images, Preprocessing preprocessing, int people)
            throws IOException, TranslateException {
        return PartLogits.of(trainer, part(images, preprocessing), images, people);
    }

    private ArrayDataset part(LfwImages images, Preprocessing preprocessing) {
        return images.toDataset(config.batchSize(), false, new Pipeline(preprocessing));
    }

    private DefaultTrainingConfig trainingConfig(
            Model model, Tracker learningRate, ObservingTrainingListener progress, BestEpochListener best, int people) {
        // Order matters: the evaluator listener publishes the figures that the later ones read.
        DefaultTrainingConfig training = new DefaultTrainingConfig(new OutlierExposureLoss(
                        config.labelSmoothing(),
                        config.openSet().outlierWeight(),
                        FaceNetwork.trainingMargin(config.network())))
                .optOptimizer(Optimizer.adamW()
                        .optLearningRateTracker(
                                trunk == null ? learningRate : trunk.learningRates(learningRate, model.getBlock()))
                        .optWeightDecays(config.weightDecay())
                        .build())
                .addEvaluator(new KnownAccuracy(BestEpochListener.ACCURACY, people))
                .addTrainingListeners(
                        new EvaluatorTrainingListener(), new DivergenceCheckTrainingListener(), progress, best);
        return trunk == null ? training : training.addTrainingListeners(trunk.thawing(model.getBlock()));
    }

    private void runEpochs(
            Trainer trainer, ObservingTrainingListener progress, ArrayDataset train, ArrayDataset validation)
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
}
