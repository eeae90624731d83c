package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.visage.SyntheticLfw;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.OutsiderSample;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.store.StoredModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outlier exposure on a synthetic LFW folder: 3 people the model learns and 24 other synthetic people, split into
 * outlier-train, outlier-validation and stranger-test groups. The same recipe is trained with and without outliers
 * in its batches; both calibrate their threshold on outlier-validation and are measured on the strangers.
 */
class OutlierExposureTest {

    private static final int PEOPLE = 3;
    private static final int ALL_PEOPLE = 27;
    private static final float ACCEPTANCE = 0.1f;
    private static final OutsiderSample SAMPLE = new OutsiderSample(0, 100, 40, 40);

    @TempDir
    static Path lfw;

    @TempDir
    Path models;

    private static final int BACKGROUND = 5;

    private static TrainedModel exposed;
    private static TrainedModel closedSet;
    private static TrainedModel withBackground;

    private static TrainingConfig config(int outliersPerBatch) {
        return config(outliersPerBatch, SAMPLE);
    }

    private static TrainingConfig config(int outliersPerBatch, OutsiderSample sample) {
        return new TrainingConfig(
                PeopleSelection.top(PEOPLE),
                42,
                FaceCrop.of(128, 32),
                NetworkConfig.SEED,
                8,
                16,
                0.003f,
                0.05f,
                1,
                0.1f,
                0,
                new TrainingConfig.Augmentation(4, true, 0.2f, 0, 0, 0, 0, 0, 0),
                new TrainingConfig.OpenSet(sample, outliersPerBatch, 0.5f, ACCEPTANCE));
    }

    @BeforeAll
    static void train() throws IOException {
        SyntheticLfw.write(lfw, 0, PEOPLE, 30, 1);
        SyntheticLfw.write(lfw, PEOPLE, ALL_PEOPLE, 4, 2);
        exposed = new FaceTrainer(config(8), new FaceTrainerTest.Recorder(), () -> false).train(lfw);
        closedSet = new FaceTrainer(config(0), new FaceTrainerTest.Recorder(), () -> false).train(lfw);
        withBackground = new FaceTrainer(
                        config(8, new OutsiderSample(BACKGROUND, 100, 40, 40)),
                        new FaceTrainerTest.Recorder(),
                        () -> false)
                .train(lfw);
    }

    @AfterAll
    static void close() {
        for (TrainedModel model : new TrainedModel[] {exposed, closedSet, withBackground}) {
            if (model != null) {
                model.close();
            }
        }
    }

    @Test
    void bothCalibrateTheirThresholdToTheTargetOnOutlierValidation() {
        for (TrainedModel model : List.of(exposed, closedSet)) {
            OpenSetMetrics openSet = model.metrics().openSet();
            assertThat(openSet.calibration().outlierValidationImages())
                    .isEqualTo(4 * model.split().outlierValidation().size());
            assertThat(openSet.calibration().validationOutliersAccepted()).isLessThanOrEqualTo(ACCEPTANCE);
            assertThat(model.calibratedMinConfidence()).isEqualTo(openSet.threshold());
            // Three people: the threshold lies above chance and at most 1.
            assertThat(openSet.threshold()).isGreaterThan(1f / PEOPLE).isLessThanOrEqualTo(Math.nextUp(1f));
        }
        assertThat(exposed.metrics().openSet().calibration().outlierExposure()).isTrue();
        assertThat(exposed.metrics().openSet().calibration().outlierTrainImages())
                .isEqualTo(exposed.split().outlierTrainImages().size());
        assertThat(closedSet.metrics().openSet().calibration().outlierExposure())
                .isFalse();
        assertThat(closedSet.metrics().openSet().calibration().outlierTrainImages())
                .isZero();
    }

    @Test
    void theExposedModelTellsStrangersFromItsPeopleBetter() {
        assertThat(exposed.metrics().testAccuracy()).isGreaterThanOrEqualTo(0.8);
        assertThat(exposed.metrics().openSet().auroc())
                .isGreaterThan(closedSet.metrics().openSet().auroc())
                .isGreaterThan(0.9);
    }

    @Test
    void theExposedModelAnswersUnknownForHeldOutStrangersMoreOften() throws IOException {
        // The same threshold for both, so that only what the networks learned differs.
        float threshold = 0.6f;
        List<String> strangers = exposed.split().strangerTestImages();
        assertThat(strangers).isNotEmpty().isEqualTo(closedSet.split().strangerTestImages());

        double exposedUnknown = shareBelow(exposed, strangers, threshold);
        double closedSetUnknown = shareBelow(closedSet, strangers, threshold);
        System.out.printf(
                Locale.ROOT,
                "strangers below %.1f: %.3f with outlier exposure, %.3f without; AUROC %.3f and %.3f%n",
                threshold,
                exposedUnknown,
                closedSetUnknown,
                exposed.metrics().openSet().auroc(),
                closedSet.metrics().openSet().auroc());

        assertThat(exposedUnknown).isGreaterThan(closedSetUnknown).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void backgroundPeopleTrainAsOutputsOfTheirOwnThatTheStoredModelKeepsAndTheAnswerLeavesOut() throws IOException {
        assertThat(withBackground.backgroundClasses()).isEqualTo(BACKGROUND);
        assertThat(withBackground.split().background()).hasSize(BACKGROUND);
        OpenSetMetrics.Calibration calibration =
                withBackground.metrics().openSet().calibration();
        assertThat(calibration.backgroundPeople()).isEqualTo(BACKGROUND);
        assertThat(calibration.backgroundImages())
                .isEqualTo(withBackground.split().backgroundImages().size())
                .isPositive();
        assertThat(withBackground.metrics().testAccuracy()).isGreaterThanOrEqualTo(0.8);
        assertThat(withBackground.metrics().openSet().auroc()).isGreaterThan(0.9);
        assertThat(exposed.backgroundClasses()).isZero();

        ModelStore store = new ModelStore(models, 2);
        ModelManifest saved = store.save(
                withBackground.model(),
                withBackground.manifest(Instant.now(), withBackground.calibratedMinConfidence()),
                withBackground.metrics(),
                withBackground.split());
        try (StoredModel loaded = store.load(saved.version())) {
            assertThat(loaded.manifest().backgroundClasses()).isEqualTo(BACKGROUND);
            assertThat(loaded.manifest().outputs()).isEqualTo(PEOPLE + BACKGROUND);
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray logits = ModelOutputs.logits(
                        withBackground,
                        lfw,
                        withBackground.split().test().stream()
                                .map(LabeledImage::file)
                                .toList(),
                        manager);
                assertThat(logits.getShape().get(1)).isEqualTo(PEOPLE + BACKGROUND);
            }
        }
    }

    /** Share of the images whose top probability, from a forward pass of the returned model, is below a threshold. */
    private static double shareBelow(TrainedModel model, List<String> files, float threshold) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray top =
                    ModelOutputs.logits(model, lfw, files, manager).softmax(1).max(new int[] {1});
            return top.lt(threshold).countNonzero().getLong() / (double) files.size();
        }
    }
}
