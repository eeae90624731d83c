package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.visage.SyntheticLfw;
import dev.visage.dataset.DataSplit;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.FaceNetwork;
import dev.visage.network.NetworkConfig;
import dev.visage.training.TrainingObserver.TrainingStage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on a synthetic LFW folder: accuracy, metrics, early stopping and cancellation. */
class FaceTrainerTest {

    private static final int PEOPLE = 3;
    private static final int PER_PERSON = 30;
    private static final int EPOCHS = 6;
    private static final int BATCH = 16;
    private static final long SEED = 42;

    @TempDir
    static Path lfw;

    private static TrainingConfig config;
    private static Recorder recorder;
    private static TrainedModel trained;

    /** Records what a run reports. */
    static final class Recorder implements TrainingObserver {
        final List<TrainingStage> stages = Collections.synchronizedList(new ArrayList<>());
        final List<EpochSummary> epochs = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger batches = new AtomicInteger();
        final List<Integer> decoded = Collections.synchronizedList(new ArrayList<>());
        final Set<Integer> decodingTotals = ConcurrentHashMap.newKeySet();

        @Override
        public void onStage(TrainingStage stage, String detail) {
            stages.add(stage);
        }

        @Override
        public void onDecoded(int images, int total) {
            decoded.add(images);
            decodingTotals.add(total);
        }

        @Override
        public void onBatch(int epoch, int batch, int batchCount, float loss) {
            batches.incrementAndGet();
        }

        @Override
        public void onEpoch(EpochSummary summary) {
            epochs.add(summary);
        }
    }

    /**
     * The default recipe (seed network, 128 px crop, AdamW, warm-up, label smoothing, shift / flip / brightness
     * augmentation) with a 32 px input, a small batch and few epochs, to keep the test fast.
     */
    static TrainingConfig config(int epochs, int patience, float learningRate) {
        return new TrainingConfig(
                PeopleSelection.top(PEOPLE),
                SEED,
                FaceCrop.of(128, 32),
                NetworkConfig.SEED,
                epochs,
                BATCH,
                learningRate,
                0.05f,
                1,
                0.1f,
                patience,
                new TrainingConfig.Augmentation(4, true, 0.2f, 0, 0, 0, 0, 0, 0),
                TestRecipes.NO_OPEN_SET);
    }

    @BeforeAll
    static void train() throws IOException {
        SyntheticLfw.write(lfw, PEOPLE, PER_PERSON, 1);
        config = config(EPOCHS, 0, 0.003f);
        recorder = new Recorder();
        trained = new FaceTrainer(config, recorder, () -> false).train(lfw);
    }

    @AfterAll
    static void closeModel() {
        if (trained != null) {
            trained.close();
        }
    }

    @Test
    void learnsToTellThePeopleApart() {
        TrainingMetrics metrics = trained.metrics();

        // Chance is 1/3.
        assertThat(metrics.testAccuracy()).isGreaterThanOrEqualTo(0.8);
        assertThat(metrics.macroF1()).isGreaterThanOrEqualTo(0.75);
        // Every person has 6 test images, so mean recall and accuracy coincide.
        assertThat(metrics.balancedAccuracy()).isCloseTo(metrics.testAccuracy(), within(1e-9));
        assertThat(metrics.history().get(metrics.history().size() - 1).trainLoss())
                .isLessThan(metrics.history().get(0).trainLoss());
    }

    @Test
    void metricsDescribeTheRunConsistently() {
        TrainingMetrics metrics = trained.metrics();
        List<EpochSummary> history = metrics.history();

        assertThat(metrics.epochs()).isEqualTo(EPOCHS);
        assertThat(history).hasSize(EPOCHS);
        for (int i = 0; i < history.size(); i++) {
            EpochSummary epoch = history.get(i);
            assertThat(epoch.epoch()).isEqualTo(i + 1);
            assertThat(epoch.epochs()).isEqualTo(EPOCHS);
            assertThat(epoch.trainLoss()).isPositive().isFinite();
            assertThat(epoch.trainAccuracy()).isBetween(0f, 1f);
            assertThat(epoch.validationAccuracy()).isBetween(0f, 1f);
            assertThat(epoch.learningRate()).isPositive().isLessThanOrEqualTo(0.003f);
            assertThat(epoch.seconds()).isPositive();
        }
        assertThat(history.get(EPOCHS - 1).etaSeconds()).isZero();

        // The kept epoch is the one with the best validation accuracy.
        assertThat(metrics.bestEpoch()).isBetween(1, EPOCHS);
        float best = (float) history.stream()
                .mapToDouble(EpochSummary::validationAccuracy)
                .max()
                .orElseThrow();
        assertThat((float) metrics.validationAccuracy()).isEqualTo(best);
        assertThat(history.get(metrics.bestEpoch() - 1).validationAccuracy()).isEqualTo(best);

        // 30 images a person: 6 test, 3 validation, 21 training.
        assertThat(metrics.trainImages())
                .isEqualTo(PEOPLE * 21)
                .isEqualTo(trained.split().train().size());
        assertThat(trained.split().test()).hasSize(PEOPLE * 6);
        assertThat(metrics.test().perPerson())
                .extracting(Evaluation.PersonScore::support)
                .containsOnly(6);
        assertThat(metrics.trainImagesPerSecond()).isPositive();
        assertThat(metrics.dataSeconds()).isPositive();
        assertThat(metrics.trainSeconds()).isPositive();
        assertThat(metrics.parameterCount())
                .isEqualTo(FaceNetwork.parameterCount(trained.model().getBlock()))
                .isPositive();
    }

    @Test
    void listenerHearsEveryStageBatchAndEpoch() {
        assertThat(recorder.stages)
                .startsWith(TrainingStage.LOADING_DATA)
                .containsSubsequence(
                        TrainingStage.LOADING_DATA,
                        TrainingStage.DECODING,
                        TrainingStage.TRAINING,
                        TrainingStage.EVALUATING)
                .doesNotContain(TrainingStage.STORING);
        assertThat(recorder.stages.get(recorder.stages.size() - 1)).isEqualTo(TrainingStage.EVALUATING);
        // Every image reported once as it is decoded, counting up to all of them (at least the people's 30 each).
        assertThat(recorder.decodingTotals).hasSize(1);
        int total = recorder.decodingTotals.iterator().next();
        assertThat(total).isGreaterThanOrEqualTo(PEOPLE * 30);
        assertThat(recorder.decoded)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.rangeClosed(1, total).boxed().toList());
        // 63 training images in batches of 16: 4 steps per epoch.
        assertThat(recorder.batches.get()).isEqualTo(EPOCHS * 4);
        assertThat(recorder.epochs).isEqualTo(trained.metrics().history());
    }

    @Test
    void returnsTheSplitPreprocessingAndNetworkItTrainedWith() {
        List<String> people = SyntheticLfw.names(PEOPLE);

        assertThat(trained.people()).isEqualTo(people);
        assertThat(trained.split()).isEqualTo(DataSplit.stratified(LfwCatalog.scan(lfw), people, SEED));
        assertThat(trained.network()).isEqualTo(NetworkConfig.SEED);
        assertThat(trained.preprocessing().crop()).isEqualTo(config.crop());
        for (int c = 0; c < 3; c++) {
            assertThat(trained.preprocessing().mean()[c]).isStrictlyBetween(0f, 1f);
            assertThat(trained.preprocessing().std()[c]).isStrictlyBetween(0f, 1f);
        }
    }

    @Test
    void theReturnedModelIsTheEvaluatedOne() throws IOException {
        // Predict the test part from the files, with the model and preprocessing handed back.
        List<LabeledImage> test = trained.split().test();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = ModelOutputs.logits(
                    trained, lfw, test.stream().map(LabeledImage::file).toList(), manager);
            long[] predicted = logits.argMax(1).toLongArray();
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                correct += predicted[i] == test.get(i).label() ? 1 : 0;
            }
            assertThat((double) correct / test.size())
                    .isEqualTo(trained.metrics().testAccuracy());
        }
    }

    /**
     * Validation images that show the next person's pattern: the better the network learns the training images,
     * the worse it does on validation. With a low learning rate the first epoch leaves the network close to its
     * random start (some validation images right by chance); learning then takes validation accuracy to 0.
     */
    private static void writeMislabelledValidation(Path dir) throws IOException {
        SyntheticLfw.write(dir, PEOPLE, PER_PERSON, 2);
        DataSplit split = DataSplit.stratified(LfwCatalog.scan(dir), SyntheticLfw.names(PEOPLE), SEED);
        Random random = new Random(3);
        for (LabeledImage image : split.validation()) {
            SyntheticLfw.writeImage(dir.resolve(image.file()), (image.label() + 1) % PEOPLE, random);
        }
    }

    @Test
    void patienceZeroRunsEveryEpochThoughValidationAccuracyStopsImproving(@TempDir Path dir) throws IOException {
        writeMislabelledValidation(dir);
        int maxEpochs = 6;

        FaceTrainer trainer = new FaceTrainer(config(maxEpochs, 0, 1e-4f), new Recorder(), () -> false);
        try (TrainedModel model = trainer.train(dir)) {
            TrainingMetrics metrics = model.metrics();
            // Patience 1 or 2 would have stopped right after the best epoch.
            assertThat(metrics.bestEpoch()).isLessThanOrEqualTo(maxEpochs - 2);
            assertThat(metrics.epochs()).isEqualTo(maxEpochs);
            assertThat(metrics.history()).hasSize(maxEpochs);
        }
    }

    @Test
    void stopsEarlyOncePatienceEpochsBringNoBetterValidationAccuracy(@TempDir Path dir) throws IOException {
        writeMislabelledValidation(dir);
        int patience = 2;
        int maxEpochs = 10;
        Recorder progress = new Recorder();

        FaceTrainer trainer = new FaceTrainer(config(maxEpochs, patience, 1e-4f), progress, () -> false);
        try (TrainedModel model = trainer.train(dir)) {
            TrainingMetrics metrics = model.metrics();
            List<EpochSummary> history = metrics.history();

            assertThat(metrics.epochs()).isLessThan(maxEpochs).isEqualTo(metrics.bestEpoch() + patience);
            assertThat(history).hasSize(metrics.epochs());
            for (EpochSummary after : history.subList(metrics.bestEpoch(), history.size())) {
                assertThat((double) after.validationAccuracy()).isLessThan(metrics.validationAccuracy());
            }
            assertThat(progress.epochs).hasSize(metrics.epochs());
            assertThat(history.get(history.size() - 1).validationAccuracy()).isZero();
        }
    }

    @Test
    void cancellationStopsTrainingWithTrainingCancelledException(@TempDir Path dir) {
        // 10 images a person: 21 training images, 2 batches per epoch.
        SyntheticLfw.write(dir, PEOPLE, 10, 4);
        AtomicInteger checks = new AtomicInteger();
        Recorder progress = new Recorder();
        FaceTrainer trainer = new FaceTrainer(config(EPOCHS, 0, 0.003f), progress, () -> checks.incrementAndGet() > 1);

        assertThatThrownBy(() -> trainer.train(dir))
                .isInstanceOf(TrainingCancelledException.class)
                .hasMessageContaining("cancelled");

        // Asked after each batch's gradients: the first batch was stepped, the second refused before its step, so
        // the first epoch never ended.
        assertThat(checks.get()).isEqualTo(2);
        assertThat(progress.batches.get()).isEqualTo(1);
        assertThat(progress.epochs).isEmpty();
        assertThat(progress.stages).doesNotContain(TrainingStage.EVALUATING);
    }
}
