package dev.visage.training;

import ai.djl.ndarray.NDManager;
import dev.visage.dataset.BaseSplit;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.LfwImages;
import dev.visage.dataset.LfwSource;
import dev.visage.store.BaseStore;
import dev.visage.store.BaseStoredEvent;
import dev.visage.store.ModelManifest;
import dev.visage.store.Probe;
import dev.visage.training.TrainingObserver.TrainingStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Trains the face base: the product's network as a plain classifier over the base people of the people-disjoint
 * {@link BaseSplit}, its match threshold calibrated on the split's calibration groups, stored in the
 * {@link BaseStore} with its self-test probes.
 */
@Service
public class BasePipeline {

    private static final Logger log = LoggerFactory.getLogger(BasePipeline.class);

    /** Photos of each calibration person enrolled as their prototype; the others are tested against it. */
    static final int ENROLLED_PER_PERSON = 5;

    /** Self-test probes stored with a base: those of its first people (a model stores every person's). */
    static final int PROBES = 30;

    private final LfwSource lfw;
    private final BaseStore store;
    private final ApplicationEventPublisher events;
    private final TrainingProperties training;

    BasePipeline(LfwSource lfw, BaseStore store, TrainingProperties training, ApplicationEventPublisher events) {
        this.training = training;
        this.events = events;
        this.lfw = lfw;
        this.store = store;
    }

    /**
     * Trains, calibrates and stores a new base; it is in use (the newest) as soon as it is stored.
     *
     * @param modelDefaults the models' run, whose people the base leaves out and whose seed, crop, batch size and
     *     augmentation it trains with
     */
    public Result run(
            BaseRecipe recipe, TrainingConfig modelDefaults, TrainingObserver listener, BooleanSupplier cancelled) {
        listener.onStage(TrainingStage.LOADING_DATA, "Locating LFW");
        Path folder = lfw.folder();
        LfwCatalog catalog = LfwCatalog.scan(folder);
        BaseSplit split = BaseSplit.of(catalog, catalog.lfwPeopleOf(modelDefaults.people()));
        TrainingConfig config = recipe.toConfig(modelDefaults, split.people());
        try (TrainedModel trained = new FaceTrainer(config, listener, cancelled).train(folder)) {
            if (cancelled.getAsBoolean()) {
                throw new TrainingCancelledException();
            }
            listener.onStage(TrainingStage.EVALUATING, "Calibrating the match threshold on unseen people");
            MatchCalibration calibration = calibrate(
                    catalog, split, trained, config, modelDefaults.openSet().strangerAcceptance());
            listener.onStage(TrainingStage.STORING, "Storing the face base in " + store.root());
            BaseMetrics metrics = new BaseMetrics(trained.metrics(), calibration);
            List<Probe> probes = trained.probes();
            ModelManifest manifest = store.save(
                    trained.model(),
                    trained.manifest(Instant.now(), null)
                            .withMatchThreshold(calibration == null ? null : calibration.threshold()),
                    metrics,
                    split,
                    probes.subList(0, Math.min(probes.size(), PROBES)));
            events.publishEvent(new BaseStoredEvent(manifest));
            return new Result(manifest, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Whether setting up a fresh store trains a base first: none is stored yet, and the LFW folder is on disk and
     * holds enough people outside the models' for one (a small test folder does not).
     */
    public boolean neededAndPossible() {
        if (store.newest().isPresent()) {
            return false;
        }
        try {
            LfwCatalog catalog = LfwCatalog.scan(lfw.folder());
            BaseSplit.of(catalog, catalog.lfwPeopleOf(training.people()));
            return true;
        } catch (RuntimeException e) {
            log.warn("No face base is trained first: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Enrols the first {@value #ENROLLED_PER_PERSON} photos of each calibration person, and sets the threshold that
     * accepts {@code strangerAcceptance} of the calibration strangers' photos, as the models' threshold does; null
     * without calibration people or strangers.
     */
    private static MatchCalibration calibrate(
            LfwCatalog catalog, BaseSplit split, TrainedModel trained, TrainingConfig config, double strangerAcceptance)
            throws IOException {
        List<LabeledImage> enrolled = new ArrayList<>();
        List<LabeledImage> known = new ArrayList<>();
        for (LabeledImage image : LabeledImage.allOf(catalog, split.calibrationPeople(), 0)) {
            long before =
                    enrolled.stream().filter(e -> e.label() == image.label()).count();
            (before < ENROLLED_PER_PERSON ? enrolled : known).add(image);
        }
        List<LabeledImage> strangers = LabeledImage.allOf(catalog, split.calibrationStrangers(), 0);
        if (enrolled.isEmpty() || known.isEmpty() || strangers.isEmpty()) {
            return null;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            float[][] prototypes = PrototypeMatching.prototypes(
                    features(catalog, enrolled, trained, config, manager),
                    enrolled.stream().mapToInt(LabeledImage::label).toArray(),
                    split.calibrationPeople().size());
            PrototypeMatching.Matches knownMatches =
                    PrototypeMatching.match(prototypes, features(catalog, known, trained, config, manager));
            double[] strangerScores = PrototypeMatching.match(
                            prototypes, features(catalog, strangers, trained, config, manager))
                    .similarity();
            return MatchCalibration.of(
                    known.stream().mapToInt(LabeledImage::label).toArray(),
                    knownMatches,
                    strangerScores,
                    strangerAcceptance);
        }
    }

    private static float[][] features(
            LfwCatalog catalog,
            List<LabeledImage> images,
            TrainedModel trained,
            TrainingConfig config,
            NDManager manager)
            throws IOException {
        LfwImages decoded = LfwImages.decode(catalog, images, config.crop(), 0, LfwImages.CENTRED, () -> {}, manager);
        return PrototypeMatching.features(trained.model(), trained.preprocessing(), decoded);
    }

    /** A stored base and what its training measured. */
    public record Result(ModelManifest manifest, BaseMetrics metrics) {}
}
