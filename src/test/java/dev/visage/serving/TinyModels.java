package dev.visage.serving;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.visage.SyntheticLfw;
import dev.visage.face.FaceCrop;
import dev.visage.dataset.PeopleSelection;
import dev.visage.network.NetworkConfig;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.training.FaceTrainer;
import dev.visage.training.TrainedModel;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingProgressListener;

/**
 * A really trained, tiny face model (3 synthetic people, 64x64 input, two small convolution blocks), trained once
 * per test JVM in a few seconds and stored on demand into any {@link ModelStore}, as {@code TrainingPipeline}
 * stores its models.
 */
public final class TinyModels {

    /** People the model tells apart. */
    public static final int PEOPLE = 3;

    /** Side of the network input (and of the returned face crops). */
    public static final int IMAGE_SIZE = 64;

    /** The names of the model's people, in class order (ties in image count keep name order). */
    public static final List<String> NAMES = SyntheticLfw.names(PEOPLE);

    /**
     * {@code SyntheticLfw.image(person, new Random(seed))} for the 3 seeds from this one is recognised by the
     * trained model itself (in memory, on the raw pixels); training never sees these photos.
     */
    public static final long RECOGNISED_SEED = 5000;

    private static final int ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(TinyModels.class);

    private static TrainedModel trained;
    private static long versions;

    private TinyModels() {
    }

    /**
     * The trained model; it lives until the JVM exits. Training so small a network on so few images now and then
     * diverges (the loss turns NaN), so a model that does not tell fresh photos of its people apart is retrained
     * with the next seed, at most {@value #ATTEMPTS} times.
     */
    public static synchronized TrainedModel trained() {
        if (trained == null) {
            Path data = null;
            try {
                data = Files.createTempDirectory("visage-synthetic-lfw");
                SyntheticLfw.write(data, PEOPLE, 10, 42);
                List<String> failures = new ArrayList<>();
                for (int attempt = 0; attempt < ATTEMPTS && trained == null; attempt++) {
                    TrainedModel candidate;
                    try {
                        candidate = train(data, 42 + attempt);
                    } catch (IllegalStateException diverged) {
                        failures.add("seed " + (42 + attempt) + ": " + diverged.getMessage());
                        log.warn("Tiny model with seed {} diverged; retraining", 42 + attempt);
                        continue;
                    }
                    String problem = problemOf(candidate);
                    if (problem == null) {
                        trained = candidate;
                    } else {
                        failures.add("seed " + (42 + attempt) + ": " + problem);
                        log.warn("Tiny model with seed {} is unusable ({}); retraining", 42 + attempt, problem);
                        candidate.close();
                    }
                }
                if (trained == null) {
                    throw new IllegalStateException("The tiny test model never learned: " + failures);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                deleteRecursively(data);
            }
        }
        return trained;
    }

    private static TrainedModel train(Path data, long seed) throws IOException {
        TrainingConfig config = new TrainingConfig(PeopleSelection.top(PEOPLE), seed,
                FaceCrop.of(SyntheticLfw.PATTERN_SIZE, IMAGE_SIZE), new NetworkConfig(List.of(16, 16), 16, 0f, false),
                5, 4, 0.004f, 0f, 1, 0.1f, 0, TrainingConfig.Augmentation.NONE);
        return new FaceTrainer(config, new TrainingProgressListener() { }, () -> false).train(data);
    }

    /** Why the model cannot serve in tests, or null: it must name fresh photos of each person right. */
    private static String problemOf(TrainedModel model) {
        FaceCrop crop = model.preprocessing().crop();
        try (Predictor<float[][], float[][]> predictor = model.model()
                .newPredictor(new FaceBatchTranslator(model.preprocessing()))) {
            for (int person = 0; person < PEOPLE; person++) {
                for (long seed = RECOGNISED_SEED; seed < RECOGNISED_SEED + 3; seed++) {
                    float[] face = new float[crop.pixelCount(0)];
                    crop.toPixels(SyntheticLfw.image(person, new Random(seed)), 0, face, 0);
                    float[] probabilities = predictor.predict(new float[][] {face})[0];
                    int best = 0;
                    for (int k = 0; k < probabilities.length; k++) {
                        if (!Float.isFinite(probabilities[k])) {
                            return "non-finite probabilities " + Arrays.toString(probabilities);
                        }
                        best = probabilities[k] > probabilities[best] ? k : best;
                    }
                    if (best != person) {
                        return "took person " + person + " for person " + best;
                    }
                }
            }
            return null;
        } catch (TranslateException e) {
            return e.toString();
        }
    }

    /** Stores the tiny model as a new version of {@code store} (made current), and returns its manifest. */
    public static synchronized ModelManifest storeInto(ModelStore store) {
        TrainedModel model = trained();
        // Versions come from the training time; give every stored copy its own.
        Instant trainedAt = Instant.parse("2025-01-01T00:00:00Z").plusSeconds(++versions);
        return store.save(model.model(), ModelManifest.unversioned(model.people(), model.network(),
                model.preprocessing(), trainedAt), model.metrics(), model.split());
    }

    private static void deleteRecursively(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
