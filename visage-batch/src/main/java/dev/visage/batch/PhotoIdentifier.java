package dev.visage.batch;

import dev.visage.face.DetectionProperties;
import dev.visage.face.FaceDetector;
import dev.visage.identify.EnrolledFaces;
import dev.visage.identify.FaceFinder;
import dev.visage.identify.FaceImageDecoder;
import dev.visage.identify.IdentifyProperties;
import dev.visage.identify.ImageRejectedException;
import dev.visage.serving.BatchingWorker;
import dev.visage.serving.ServingModel;
import dev.visage.store.ModelStore;
import dev.visage.system.DjlEnvironment;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * One executor JVM's model, face detector and forward-pass worker, shared by all its tasks: each task decodes,
 * detects and crops its photos on its own thread (helped by OpenCV's pool when no other scan holds it), and the
 * one worker thread batches the waiting photos' faces of all tasks into forward passes, as the service does for
 * concurrent requests.
 */
final class PhotoIdentifier {

    private static final Logger log = LoggerFactory.getLogger(PhotoIdentifier.class);

    private final ServingModel model;
    private final FaceDetector detector;
    private final FaceFinder finder;
    private final BatchingWorker worker;
    private final IdentifyProperties properties;

    private PhotoIdentifier(ServingModel model, DetectionProperties detection, IdentifyProperties properties) {
        this.model = model;
        this.properties = properties;
        this.detector = new FaceDetector(detection.toSettings());
        this.finder =
                new FaceFinder(detector, properties.maxPixels(), properties.maxFaces(), properties.minConfidence());
        this.worker = new BatchingWorker(
                properties.maxBatchSize(),
                properties.queueCapacity(),
                () -> DjlEnvironment.useIntraOpThreads(properties.inferenceThreads()));
    }

    /**
     * Loads a stored version (its integrity checks and self-test included) with the service's detection and
     * identification settings: their defaults, and any given.
     */
    static PhotoIdentifier load(Path models, String version, Map<String, String> settings) {
        Binder binder = new Binder(new MapConfigurationPropertySource(settings));
        DetectionProperties detection = binder.bindOrCreate("visage.detection", DetectionProperties.class);
        IdentifyProperties identify = binder.bindOrCreate("visage.identify", IdentifyProperties.class);
        DjlEnvironment.loadEngine();
        ServingModel model = new ServingModel(new ModelStore(models, 1).load(version));
        log.info(
                "Model {} loaded from {} ({} people)",
                version,
                models,
                model.people().size());
        return new PhotoIdentifier(model, detection, identify);
    }

    String version() {
        return model.version();
    }

    /** A photo whose faces wait for their forward pass, or the reason it has none to wait for. */
    private record Pending(
            String file, FaceFinder.FoundFaces found, CompletableFuture<float[][]> answer, String reason) {}

    /**
     * The rows of a partition's photos ({@code path}, {@code length}, {@code content}), in order. Up to
     * {@code visage.identify.max-batch-size} photos wait for their forward pass while the next ones are detected.
     */
    Iterator<Row> identify(Iterator<Row> photos, LongAccumulator done) {
        List<Row> rows = new ArrayList<>();
        Deque<Pending> pending = new ArrayDeque<>();
        while (photos.hasNext()) {
            Row photo = photos.next();
            pending.add(start(photo.getString(0), photo.getLong(1), photo.getAs(2)));
            if (pending.size() >= properties.maxBatchSize()) {
                finish(pending.poll(), rows);
                done.add(1);
            }
        }
        while (!pending.isEmpty()) {
            finish(pending.poll(), rows);
            done.add(1);
        }
        return rows.iterator();
    }

    private Pending start(String file, long length, byte[] content) {
        if (length > properties.maxBytes().toBytes()) {
            return new Pending(file, null, null, FaceRows.TOO_LARGE);
        }
        try {
            FaceImageDecoder.Header header = finder.inspect(content);
            FaceFinder.FoundFaces found = finder.find(content, header, model.crop(), true);
            CompletableFuture<float[][]> answer = found.crops().isEmpty()
                    ? CompletableFuture.completedFuture(new float[0][])
                    : worker.submit(model, found.crops().toArray(float[][]::new));
            return new Pending(file, found, answer, null);
        } catch (ImageRejectedException e) {
            log.debug("{}: {}", file, e.getMessage());
            return new Pending(file, null, null, reason(e));
        }
    }

    private static String reason(ImageRejectedException rejected) {
        return "image-too-large".equals(rejected.problem().type()) ? FaceRows.TOO_LARGE : FaceRows.NOT_AN_IMAGE;
    }

    private void finish(Pending photo, List<Row> rows) {
        if (photo.reason() != null) {
            rows.add(FaceRows.photo(photo.file(), photo.reason(), version()));
            return;
        }
        List<dev.visage.identify.Identification.Face> faces =
                finder.answer(model, photo.found(), await(photo.answer()), List.of(), EnrolledFaces.NONE, 1, false);
        if (faces.isEmpty()) {
            rows.add(FaceRows.photo(photo.file(), FaceRows.NO_FACE, version()));
        }
        for (dev.visage.identify.Identification.Face face : faces) {
            rows.add(FaceRows.face(photo.file(), face, version()));
        }
    }

    private static float[][] await(CompletableFuture<float[][]> answer) {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the model", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Identification failed: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
