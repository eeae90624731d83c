package dev.visage.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.visage.system.DjlEnvironment;
import dev.visage.dataset.DataSplit;
import dev.visage.face.FaceCrop;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.LfwDataset;
import dev.visage.face.Preprocessing;
import dev.visage.network.FaceNetwork;
import dev.visage.training.TrainingProgressListener.TrainingStage;

/**
 * Trains the face network on an LFW folder: split, decode once, train with augmentation, AdamW and a warm-up +
 * cosine learning rate, keep the epoch with the best validation accuracy, and evaluate it on the test part.
 */
public final class FaceTrainer {

    public static final String MODEL_NAME = "visage";

    private static final Logger log = LoggerFactory.getLogger(FaceTrainer.class);

    private final TrainingConfig config;
    private final TrainingProgressListener listener;
    private final BooleanSupplier cancelled;

    public FaceTrainer(TrainingConfig config, TrainingProgressListener listener, BooleanSupplier cancelled) {
        this.config = config;
        this.listener = listener;
        this.cancelled = cancelled;
    }

    /** Runs the whole training; the caller owns (and must close) the returned model. */
    public TrainedModel train(Path lfwDir) throws IOException {
        // LibTorch's thread count is per calling thread; the service's inference thread uses fewer.
        DjlEnvironment.useIntraOpThreads(DjlEnvironment.configuredIntraOpThreads());
        listener.onStage(TrainingStage.LOADING_DATA, "Listing " + lfwDir);
        long dataStart = System.nanoTime();
        LfwCatalog catalog = LfwCatalog.scan(lfwDir);
        DataSplit split = DataSplit.stratified(catalog, catalog.select(config.people()), config.seed());
        log.info("Training on {} people, {} images: {} train, {} validation, {} test", split.people().size(),
                split.size(), split.train().size(), split.validation().size(), split.test().size());
        Engine.getInstance().setRandomSeed((int) config.seed());

        FaceCrop crop = config.crop();
        int margin = config.augmentation().shift();
        try (NDManager dataManager = NDManager.newBaseManager();
                LfwDataset train = dataset(catalog.root(), split.train(), margin, dataManager, true);
                LfwDataset validation = dataset(catalog.root(), split.validation(), 0, dataManager, false);
                LfwDataset test = dataset(catalog.root(), split.test(), 0, dataManager, false)) {
            listener.onStage(TrainingStage.LOADING_DATA, "Decoding " + split.size() + " images");
            train.prepare(null);
            validation.prepare(null);
            test.prepare(null);
            double dataSeconds = seconds(dataStart);
            log.info("Decoded {} images in {} s", split.size(), String.format("%.1f", dataSeconds));
            Preprocessing preprocessing = new Preprocessing(crop, channelMeans(train, margin, crop, false),
                    channelMeans(train, margin, crop, true));

            Model model = Model.newInstance(MODEL_NAME);
            try {
                model.setBlock(FaceNetwork.build(config.network(), split.people().size()));
                TrainingMetrics metrics = fit(model, train, validation, test, split, preprocessing, dataSeconds);
                return new TrainedModel(model, preprocessing, config.network(), split, metrics);
            } catch (RuntimeException | Error e) {
                model.close();
                throw e;
            }
        } catch (TranslateException e) {
            throw new IOException("Cannot read the training data: " + e.getMessage(), e);
        }
    }

    private LfwDataset dataset(Path root, List<LabeledImage> images, int margin, NDManager manager,
            boolean shuffle) {
        return LfwDataset.builder().setRoot(root).setImages(images).setCrop(config.crop()).optMargin(margin)
                .setManager(manager).setSampling(config.batchSize(), shuffle).build();
    }

    private TrainingMetrics fit(Model model, LfwDataset train, LfwDataset validation, LfwDataset test,
            DataSplit split, Preprocessing preprocessing, double dataSeconds) throws IOException, TranslateException {
        int stepsPerEpoch = (int) Math.ceil((double) train.size() / config.batchSize());
        Tracker learningRate = learningRateSchedule(stepsPerEpoch);
        DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(
                new SmoothedCrossEntropyLoss(config.labelSmoothing()))
                .optOptimizer(Optimizer.adamW().optLearningRateTracker(learningRate)
                        .optWeightDecays(config.weightDecay()).build());
        BatchAugmenter augmenter = new BatchAugmenter(config.augmentation(), train.margin(),
                config.crop().imageSize(), config.seed());

        try (Trainer trainer = model.newTrainer(trainingConfig);
                NDManager bestWeights = NDManager.newBaseManager()) {
            int size = config.crop().imageSize();
            trainer.initialize(new Shape(1, 3, size, size));
            long parameters = FaceNetwork.parameterCount(model.getBlock());
            log.info("Network {} with {} trainable parameters", config.network(), parameters);

            listener.onStage(TrainingStage.TRAINING, "Training up to " + config.epochs() + " epochs");
            long trainStart = System.nanoTime();
            List<EpochSummary> history = new ArrayList<>();
            List<Double> stepSeconds = new ArrayList<>();
            Map<String, NDArray> kept = new HashMap<>();
            float bestValidation = -1;
            int bestEpoch = 0;
            int lastImprovement = 0;
            int step = 0;
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                float lossSum = 0;
                int correct = 0;
                int seen = 0;
                int batchIndex = 0;
                for (Batch batch : trainer.iterateDataset(train)) {
                    if (cancelled.getAsBoolean()) {
                        batch.close();
                        throw new TrainingCancelledException();
                    }
                    try (batch) {
                        NDArray images = preprocessing.normalize(augmenter.apply(batch.getData().head()));
                        NDList labels = batch.getLabels();
                        float loss;
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDList logits = trainer.forward(new NDList(images), labels);
                            NDArray lossValue = trainer.getLoss().evaluate(labels, logits);
                            collector.backward(lossValue);
                            loss = lossValue.getFloat();
                            correct += countCorrect(logits.singletonOrThrow(), labels.head());
                        }
                        if (!Float.isFinite(loss)) {
                            throw new IllegalStateException("Training diverged in epoch " + epoch + " (loss "
                                    + loss + "); nothing was stored. Try a lower learning rate.");
                        }
                        trainer.step();
                        step++;
                        lossSum += loss * batch.getSize();
                        seen += batch.getSize();
                        listener.onBatch(epoch, ++batchIndex, stepsPerEpoch, loss);
                    }
                }
                double epochSeconds = seconds(epochStart);
                stepSeconds.add(epochSeconds);
                float validationAccuracy = (float) accuracy(trainer, validation, preprocessing);
                // On a tie the later epoch is kept (a lower learning rate by then), but only a better score
                // counts as progress for early stopping.
                if (validationAccuracy > bestValidation) {
                    lastImprovement = epoch;
                }
                if (validationAccuracy >= bestValidation) {
                    bestValidation = validationAccuracy;
                    bestEpoch = epoch;
                    keep(model, kept, bestWeights);
                }
                double eta = (config.epochs() - epoch) * seconds(trainStart) / epoch;
                EpochSummary summary = new EpochSummary(epoch, config.epochs(), lossSum / seen,
                        (float) correct / seen, validationAccuracy, learningRate.getNewValue(step), epochSeconds,
                        eta);
                history.add(summary);
                listener.onEpoch(summary);
                if (config.patience() > 0 && epoch - lastImprovement >= config.patience()) {
                    log.info("Stopping early: no better validation accuracy for {} epochs", config.patience());
                    break;
                }
            }
            double trainSeconds = seconds(trainStart);
            restore(model, kept);

            listener.onStage(TrainingStage.EVALUATING, "Evaluating epoch " + bestEpoch + " on the test part");
            Evaluation evaluation = Evaluation.of(split.people(), labelsOf(test), predict(trainer, test,
                    preprocessing));
            double medianStep = median(stepSeconds);
            return new TrainingMetrics(evaluation.accuracy(), evaluation.balancedAccuracy(), evaluation.macroF1(),
                    evaluation, bestValidation, bestEpoch, history.size(), (int) train.size(), parameters,
                    dataSeconds, trainSeconds, train.size() / medianStep, List.copyOf(history));
        }
    }

    private Tracker learningRateSchedule(int stepsPerEpoch) {
        int warmupSteps = config.warmupEpochs() * stepsPerEpoch;
        int totalSteps = config.epochs() * stepsPerEpoch;
        Tracker cosine = Tracker.cosine().setBaseValue(config.learningRate())
                .optFinalValue(config.learningRate() / 100).setMaxUpdates(Math.max(1, totalSteps - warmupSteps))
                .build();
        if (warmupSteps == 0) {
            return cosine;
        }
        return Tracker.warmUp().setMainTracker(cosine).optWarmUpSteps(warmupSteps)
                .optWarmUpBeginValue(config.learningRate() / 10).build();
    }

    /** Per-channel mean (or standard deviation) of the training images' central crops. */
    private static float[] channelMeans(LfwDataset train, int margin, FaceCrop crop, boolean std) {
        try (NDManager scope = NDManager.newBaseManager()) {
            int size = crop.imageSize();
            NDArray pixels = train.pixels().get(":, :, {}:{}, {}:{}", margin, margin + size, margin, margin + size);
            pixels.attach(scope);
            NDArray perChannel = pixels.transpose(1, 0, 2, 3).reshape(3, -1);
            NDArray values = std ? perChannel.sub(perChannel.mean(new int[] {1}, true)).pow(2).mean(new int[] {1})
                    .sqrt() : perChannel.mean(new int[] {1});
            return values.toFloatArray();
        }
    }

    private static int countCorrect(NDArray logits, NDArray labels) {
        return (int) logits.argMax(1).toType(DataType.INT64, false)
                .eq(labels.toType(DataType.INT64, false)).countNonzero().getLong();
    }

    private double accuracy(Trainer trainer, LfwDataset dataset, Preprocessing preprocessing) {
        int[] truth = labelsOf(dataset);
        int[] predicted = predict(trainer, dataset, preprocessing);
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            correct += truth[i] == predicted[i] ? 1 : 0;
        }
        return (double) correct / truth.length;
    }

    /** Predicted class of each image of an evaluation part, in inference mode, a batch at a time. */
    private int[] predict(Trainer trainer, LfwDataset dataset, Preprocessing preprocessing) {
        int count = (int) dataset.size();
        int[] predicted = new int[count];
        for (int from = 0; from < count; from += config.batchSize()) {
            int to = Math.min(count, from + config.batchSize());
            try (NDManager scope = NDManager.newBaseManager()) {
                NDArray images = dataset.pixels().get("{}:{}", from, to);
                images.attach(scope);
                NDArray logits = trainer.evaluate(new NDList(preprocessing.normalize(images))).singletonOrThrow();
                long[] classes = logits.argMax(1).toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < classes.length; i++) {
                    predicted[from + i] = (int) classes[i];
                }
            }
        }
        return predicted;
    }

    private static int[] labelsOf(LfwDataset dataset) {
        return dataset.images().stream().mapToInt(LabeledImage::label).toArray();
    }

    /** Copies the current weights (including batch-norm statistics) aside. */
    private static void keep(Model model, Map<String, NDArray> kept, NDManager manager) {
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            NDArray copy = parameter.getValue().getArray().duplicate();
            copy.attach(manager);
            NDArray previous = kept.put(parameter.getKey(), copy);
            if (previous != null) {
                previous.close();
            }
        }
    }

    private static void restore(Model model, Map<String, NDArray> kept) {
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            kept.get(parameter.getKey()).copyTo(parameter.getValue().getArray());
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
