package dev.visage.identify;

import dev.visage.face.FaceCrop;
import dev.visage.face.FaceDetector;
import dev.visage.face.FaceFraming;
import dev.visage.face.Photo;
import dev.visage.serving.BatchingWorker;
import dev.visage.serving.CurrentModel;
import dev.visage.serving.ServingModel;
import dev.visage.system.DjlEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * Identifies the faces in an uploaded photo with the model in service: decode once, find the faces, crop each from
 * the full-resolution photo, one batched forward pass for all of them, and the answer. Times every request by
 * outcome.
 */
@Service
public class IdentificationService implements DisposableBean {

    private static final String IDENTIFIED = "identified";
    private static final String REJECTED = "rejected";
    private static final String UNAVAILABLE = "unavailable";

    private final CurrentModel currentModel;
    private final IdentifyProperties properties;
    private final FaceImageDecoder decoder;
    private final FaceLocator locator;
    private final Answers answers;
    private final BatchingWorker worker;
    private final Map<String, Timer> timers;

    IdentificationService(
            CurrentModel currentModel, IdentifyProperties properties, FaceDetector detector, MeterRegistry meters) {
        this.currentModel = currentModel;
        this.properties = properties;
        this.timers = Stream.of(IDENTIFIED, Identification.UNKNOWN, REJECTED, UNAVAILABLE)
                .collect(Collectors.toUnmodifiableMap(
                        outcome -> outcome,
                        outcome -> Timer.builder("visage.identify")
                                .description("POST /identify, by outcome")
                                .tag("outcome", outcome)
                                .publishPercentileHistogram()
                                .register(meters)));
        this.decoder = new FaceImageDecoder(properties.maxPixels());
        this.locator = new FaceLocator(
                detector, FaceFraming.forCascade(detector.settings().cascade()), properties.minFaceSize());
        this.answers = new Answers(properties.minConfidence());
        this.worker = new BatchingWorker(
                properties.maxBatchSize(),
                properties.queueCapacity(),
                () -> DjlEnvironment.useIntraOpThreads(properties.inferenceThreads()));
    }

    /**
     * Identifies the faces in an uploaded image.
     *
     * @param top how many candidates to return per face (capped to the number of people)
     * @param withCrop whether to return each face crop the model saw, as a PNG data URL
     * @param detect whether to look for faces; false takes the photo's centred crop, for aligned photos
     */
    public Identification identify(byte[] image, int top, boolean withCrop, boolean detect) {
        long start = System.nanoTime();
        String outcome = REJECTED;
        try {
            Photo photo = decoder.decode(image);
            // From here on a failure is the service's (no model yet, busy), not the upload's.
            outcome = UNAVAILABLE;
            List<FaceLocator.LocatedFace> located = detect ? locator.detect(photo) : List.of(locator.centred(photo));
            ServingModel model = currentModel.acquire();
            try {
                List<Identification.Face> faces = identifyFaces(model, photo, located, top, withCrop);
                Identification answer = Answers.of(faces, model.version(), (System.nanoTime() - start) / 1e6);
                outcome = answer.known() ? IDENTIFIED : Identification.UNKNOWN;
                return answer;
            } finally {
                model.release();
            }
        } finally {
            timers.get(outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** Crops the faces worth identifying, runs them through one forward pass, and answers for every face. */
    private List<Identification.Face> identifyFaces(
            ServingModel model, Photo photo, List<FaceLocator.LocatedFace> located, int top, boolean withCrop) {
        FaceCrop crop = model.crop();
        List<float[]> crops = new ArrayList<>();
        for (FaceLocator.LocatedFace face : located) {
            if (crops.size() < properties.maxFaces() && !face.tooSmall(locator.minFaceSize())) {
                float[] pixels = new float[crop.pixelCount(0)];
                crop.toPixels(photo, face.frame(), 0, pixels, 0);
                crops.add(pixels);
            }
        }
        float[][] probabilities =
                crops.isEmpty() ? new float[0][] : await(worker.submit(model, crops.toArray(float[][]::new)));
        List<Identification.Face> faces = new ArrayList<>(located.size());
        int next = 0;
        for (FaceLocator.LocatedFace face : located) {
            if (face.tooSmall(locator.minFaceSize())) {
                faces.add(
                        Identification.Face.unidentified(face.box(), face.detectionScore(), Identification.TOO_SMALL));
            } else if (next == crops.size()) {
                faces.add(Identification.Face.unidentified(face.box(), face.detectionScore(), Identification.TOO_MANY));
            } else {
                faces.add(answers.identified(face, model, probabilities[next], top, withCrop ? crops.get(next) : null));
                next++;
            }
        }
        return faces;
    }

    private float[][] await(CompletableFuture<float[][]> result) {
        try {
            return result.get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("Interrupted while waiting for the model");
        } catch (TimeoutException e) {
            throw new ServiceBusyException("The model did not answer within " + properties.timeout());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BatchingWorker.OverloadedException overloaded) {
                throw new ServiceBusyException(overloaded.getMessage());
            }
            throw new IllegalStateException(
                    "Identification failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void destroy() {
        worker.close();
    }
}
