package dev.visage.training;

import dev.visage.dataset.BaseSplit;
import dev.visage.dataset.DataSplit;
import dev.visage.dataset.EnrolledCrops;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.LfwSource;
import dev.visage.dataset.LfwVariant;
import dev.visage.dataset.PeopleSelection;
import dev.visage.dataset.TooFewEnrolledPeopleException;
import dev.visage.face.AlignedPhotoFraming;
import dev.visage.face.DetectionProperties;
import dev.visage.face.FaceDetector;
import dev.visage.network.NetworkProperties;
import dev.visage.store.BaseStore;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.store.StoredModel;
import dev.visage.training.TrainingObserver.TrainingStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.springframework.stereotype.Service;

/**
 * The whole flow of one run: LFW data (and, for a model of the enrolled people, their stored crops), then training
 * and evaluation, then a new version in the model store. A model of enrolled people records their ids in its
 * manifest, and stores none of their faces: its self-test probes are never an enrolled person's, so that erasing a
 * person leaves none of their faces outside the people folder.
 */
@Service
public class TrainingPipeline {

    private final LfwSource lfw;
    private final ModelStore store;
    private final BaseStore bases;
    private final TrainingProperties training;
    private final NetworkProperties network;
    private final DetectionProperties detection;
    private final EnrolledCrops enrolled;

    TrainingPipeline(
            LfwSource lfw,
            ModelStore store,
            BaseStore bases,
            TrainingProperties training,
            NetworkProperties network,
            DetectionProperties detection,
            EnrolledCrops enrolled) {
        this.enrolled = enrolled;
        this.lfw = lfw;
        this.store = store;
        this.bases = bases;
        this.training = training;
        this.network = network;
        this.detection = detection;
    }

    /** The configured defaults, for callers that override some of them. */
    public TrainingConfig defaultConfig() {
        return training.toConfig(network.toConfig());
    }

    /**
     * The face base a run of {@code config} starts from: the newest stored one; null for a run from scratch (asked
     * for, or by default while no base is stored).
     *
     * @throws NoFaceBaseException if the run asks to start from a base and none is stored
     */
    public String baseFor(TrainingConfig config) {
        if (Boolean.FALSE.equals(config.fromBase())) {
            return null;
        }
        Optional<String> newest = bases.newest();
        return config.fromBase() == null ? newest.orElse(null) : newest.orElseThrow(NoFaceBaseException::new);
    }

    /**
     * Trains, evaluates and stores one model as a candidate, with its self-test probes; putting it in service is
     * the caller's decision. A run from the face base starts from the newest stored base's trunk.
     *
     * @param variant the LFW variant to train on; null for the configured one
     * @return the stored model's manifest and metrics
     * @throws NoFaceBaseException if the run starts from a base and none is stored
     */
    public Result run(TrainingConfig config, LfwVariant variant, TrainingObserver listener, BooleanSupplier cancelled) {
        listener.onStage(TrainingStage.LOADING_DATA, "Locating LFW");
        Path folder = variant == null ? lfw.folder() : lfw.folder(variant);
        listener.onStage(TrainingStage.LOADING_DATA, "Listing " + folder);
        LfwCatalog catalog = catalog(config, folder);
        String baseVersion = baseFor(config);
        try (StoredModel base = baseVersion == null ? null : bases.load(baseVersion);
                FaceDetector detector = new FaceDetector(detection.toSettings());
                TrainedModel trained = trainer(config, listener, cancelled, detector, base)
                        .train(catalog, split(catalog, config, baseVersion))) {
            if (cancelled.getAsBoolean()) {
                throw new TrainingCancelledException();
            }
            listener.onStage(TrainingStage.STORING, "Storing the model in " + store.root());
            List<String> enrolledPeople =
                    trained.people().stream().filter(catalog::isEnrolled).toList();
            ModelManifest manifest = store.saveCandidate(
                    trained.model(),
                    trained.manifest(Instant.now(), trained.calibratedMinConfidence())
                            .withEnrolledPeople(enrolledPeople.isEmpty() ? null : enrolledPeople),
                    trained.metrics(),
                    trained.split(),
                    trained.probes().stream()
                            .filter(probe -> !catalog.isEnrolled(probe.source()))
                            .toList());
            return new Result(manifest, trained.metrics());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Checks, before a job is queued, that its people can be trained on.
     *
     * @throws TooFewEnrolledPeopleException if it asks for the enrolled people and too few have enough photos
     */
    public void check(TrainingConfig config) {
        if (config.people() instanceof PeopleSelection.Enrolled) {
            LfwCatalog.trainable(enrolled.people());
        }
    }

    /**
     * The run's split of the catalog; a run from the face base takes its outsiders from the base's groups, so that
     * nothing the base holds out (its new people and stranger-test people) is trained or calibrated on.
     */
    private DataSplit split(LfwCatalog catalog, TrainingConfig config, String baseVersion) {
        return DataSplit.stratified(
                catalog,
                catalog.select(config.people()),
                config.seed(),
                config.openSet().sample(),
                baseVersion == null ? null : bases.split(baseVersion, BaseSplit.class));
    }

    /** The LFW folder's people and, when the enrolled people are asked for, theirs. */
    private LfwCatalog catalog(TrainingConfig config, Path folder) {
        LfwCatalog catalog = LfwCatalog.scan(folder);
        return config.people() instanceof PeopleSelection.Enrolled ? catalog.withEnrolled(enrolled.people()) : catalog;
    }

    private FaceTrainer trainer(
            TrainingConfig config,
            TrainingObserver listener,
            BooleanSupplier cancelled,
            FaceDetector detector,
            StoredModel base) {
        BaseTrunk trunk = base == null ? null : new BaseTrunk(base, BaseTrunk.Schedule.STANDARD);
        return new FaceTrainer(
                trunk == null ? config : trunk.configFor(config),
                listener,
                cancelled,
                training.detectFaces() ? new AlignedPhotoFraming(detector) : null,
                trunk);
    }

    /** A stored model and what its training measured. */
    public record Result(ModelManifest manifest, TrainingMetrics metrics) {}
}
