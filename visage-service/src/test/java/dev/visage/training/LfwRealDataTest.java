package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.visage.dataset.DataSplit;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.PeopleSelection;
import dev.visage.network.NetworkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A short training run on the real LFW (deep-funneled) images: the 10 people with the most images, the default
 * recipe, a few epochs. Skipped when the data is not there. The folder is the system property
 * {@code visage.lfw.dir}, else the environment variable {@code VISAGE_LFW_DIR}, else
 * {@code ../shared/lfw/lfw-deepfunneled}.
 */
class LfwRealDataTest {

    /** Enough epochs of the default recipe for a clear margin above the asserted accuracy, in seconds. */
    private static final int EPOCHS = 8;

    /** LFW's ten people with the most images, most first, and their image counts. */
    private static final List<String> TOP_TEN = List.of(
            "George_W_Bush",
            "Colin_Powell",
            "Tony_Blair",
            "Donald_Rumsfeld",
            "Gerhard_Schroeder",
            "Ariel_Sharon",
            "Hugo_Chavez",
            "Junichiro_Koizumi",
            "Jean_Chretien",
            "John_Ashcroft");

    private static final List<Integer> TOP_TEN_COUNTS = List.of(530, 236, 144, 121, 109, 77, 71, 60, 55, 53);

    static Path lfwDir() {
        String property = System.getProperty("visage.lfw.dir");
        String env = System.getenv("VISAGE_LFW_DIR");
        String dir = property != null && !property.isBlank()
                ? property
                : env != null && !env.isBlank() ? env : "../shared/lfw/lfw-deepfunneled";
        return Path.of(dir);
    }

    @Test
    void aShortRunOnTheTenMostPhotographedPeopleBeatsTheMajorityBaseline() throws IOException {
        Path dir = lfwDir();
        Assumptions.assumeTrue(Files.isDirectory(dir), () -> "No LFW folder at " + dir.toAbsolutePath());

        LfwCatalog catalog = LfwCatalog.scan(dir);
        List<String> people = catalog.select(PeopleSelection.top(10));
        for (String person : people) {
            System.out.printf(
                    Locale.ROOT, "%-20s %4d%n", person, catalog.imagesOf(person).size());
        }
        assertThat(people).containsExactlyElementsOf(TOP_TEN);
        assertThat(people.stream()
                        .map(person -> catalog.imagesOf(person).size())
                        .toList())
                .containsExactlyElementsOf(TOP_TEN_COUNTS);

        // The default recipe (the visage.training.* defaults, bound as the service binds them), only fewer epochs.
        TrainingProperties defaults = new Binder(
                        new MapConfigurationPropertySource(Map.of("visage.training.epochs", String.valueOf(EPOCHS))))
                .bindOrCreate("visage.training", TrainingProperties.class);
        TrainingConfig config = defaults.toConfig(NetworkConfig.SEED);

        long start = System.nanoTime();
        try (TrainedModel trained = new FaceTrainer(
                        config,
                        new TrainingObserver() {
                            @Override
                            public void onEpoch(EpochSummary summary) {
                                System.out.println(summary);
                            }
                        },
                        () -> false)
                .train(dir)) {
            TrainingMetrics metrics = trained.metrics();
            DataSplit split = trained.split();
            long bush =
                    split.test().stream().filter(image -> image.label() == 0).count();
            double majority = (double) bush / split.test().size();
            System.out.print(metrics.test().toTable());
            System.out.printf(
                    Locale.ROOT,
                    "majority baseline %.3f, test accuracy %.3f, best epoch %d, %.1f s%n",
                    majority,
                    metrics.testAccuracy(),
                    metrics.bestEpoch(),
                    (System.nanoTime() - start) / 1e9);

            assertThat(trained.people()).containsExactlyElementsOf(TOP_TEN);
            assertThat(split.test()).hasSize(291);
            assertThat(majority).isCloseTo(0.364, within(0.001));
            assertThat(metrics.epochs()).isEqualTo(EPOCHS);
            assertThat(metrics.testAccuracy()).isGreaterThanOrEqualTo(0.55);
            // Not just "always George W. Bush" (balanced accuracy 0.1): other people are recognised too.
            assertThat(metrics.balancedAccuracy()).isGreaterThanOrEqualTo(0.3);

            // Everybody else in three disjoint groups of people; the threshold meets its target on validation.
            Set<String> outlierTrain = Set.copyOf(split.outlierTrain());
            Set<String> outlierValidation = Set.copyOf(split.outlierValidation());
            Set<String> strangerTest = Set.copyOf(split.strangerTest());
            assertThat(outlierTrain.size() + outlierValidation.size() + strangerTest.size())
                    .isEqualTo(catalog.people().size() - TOP_TEN.size());
            assertThat(outlierTrain)
                    .doesNotContainAnyElementsOf(outlierValidation)
                    .doesNotContainAnyElementsOf(strangerTest)
                    .doesNotContainAnyElementsOf(TOP_TEN);
            assertThat(outlierValidation)
                    .doesNotContainAnyElementsOf(strangerTest)
                    .doesNotContainAnyElementsOf(TOP_TEN);
            assertThat(strangerTest).doesNotContainAnyElementsOf(TOP_TEN);
            OpenSetMetrics.Calibration calibration = metrics.openSet().calibration();
            assertThat(calibration.outlierValidationImages()).isEqualTo(300);
            assertThat(calibration.validationOutliersAccepted()).isLessThanOrEqualTo(calibration.strangerAcceptance());
            assertThat(metrics.openSet().strangersUnknown()).isBetween(0.0, 1.0);
            assertThat(trained.calibratedMinConfidence()).isEqualTo(calibration.threshold());
        }
    }
}
