package dev.visage.training;

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
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.training.TrainingObserver.TrainingStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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
    private final TrainingProperties training;
    private final NetworkProperties network;
    private final DetectionProperties detection;
    private final EnrolledCrops enrolled;

    TrainingPipeline(
            LfwSource lfw,
            ModelStore store,
            TrainingProperties training,
            NetworkProperties network,
            DetectionProperties detection,
            EnrolledCrops enrolled) {
        this.enrolled = enrolled;
        this.lfw = lfw;
        this.store = store;
        this.training = training;
        this.network = network;
        this.detection = detection;
    }

    /** The configured defaults, for callers that override some of them. */
    public TrainingConfig defaultConfig() {
        return training.toConfig(network.toConfig());
    }

    /**
     * Trains, evaluates and stores one model as a candidate, with its self-test probes; putting it in service is
     * the caller's decision.
     *
     * @param variant the LFW variant to train on; null for the configured one
     * @return the stored model's manifest and metrics
     */
    public Result run(TrainingConfig config, LfwVariant variant, TrainingObserver listener, BooleanSupplier cancelled) {
        listener.onStage(TrainingStage.LOADING_DATA, "Locating LFW");
        Path folder = variant == null ? lfw.folder() : lfw.folder(variant);
        listener.onStage(TrainingStage.LOADING_DATA, "Listing " + folder);
        LfwCatalog catalog = catalog(config, folder);
        try (FaceDetector detector = new FaceDetector(detection.toSettings());
                TrainedModel trained =
                        trainer(config, listener, cancelled, detector).train(catalog)) {
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

    /** The LFW folder's people and, when the enrolled people are asked for, theirs. */
    private LfwCatalog catalog(TrainingConfig config, Path folder) {
        LfwCatalog catalog = LfwCatalog.scan(folder);
        return config.people() instanceof PeopleSelection.Enrolled ? catalog.withEnrolled(enrolled.people()) : catalog;
    }

    private FaceTrainer trainer(
            TrainingConfig config, TrainingObserver listener, BooleanSupplier cancelled, FaceDetector detector) {
        return training.detectFaces()
                ? new FaceTrainer(config, listener, cancelled, new AlignedPhotoFraming(detector))
                : new FaceTrainer(config, listener, cancelled);
    }

    /** A stored model and what its training measured. */
    public record Result(ModelManifest manifest, TrainingMetrics metrics) {}
}
