package dev.visage.identify;

import dev.visage.face.FaceCrop;
import dev.visage.face.FaceDetector;
import dev.visage.serving.BatchingWorker;
import dev.visage.serving.CurrentModel;
import dev.visage.serving.ServingModel;
import dev.visage.system.DjlEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Identifies the faces in an uploaded photo with the model in service: decode once (within the decoding memory
 * budget), find the faces, crop each from the full-resolution photo, one batched forward pass for all of them,
 * and the answer. Times every request by outcome.
 */
@Service
public class IdentificationService implements DisposableBean {

    private static final String IDENTIFIED = "identified";
    private static final String REJECTED = "rejected";
    private static final String UNAVAILABLE = "unavailable";

    private final CurrentModel currentModel;
    private final IdentifyProperties properties;
    private final FaceFinder finder;
    private final PhotoFaces photoFaces;
    private final EnrolledFaces enrolled;
    private final BatchingWorker worker;
    private final Map<String, Timer> timers;

    /** @param decodeBudget bytes of decoded pixels in flight at once: a decode that does not fit answers 503 */
    IdentificationService(
            CurrentModel currentModel,
            IdentifyProperties properties,
            FaceDetector detector,
            MeterRegistry meters,
            @Qualifier(UploadConfiguration.DECODE_BUDGET) MemoryBudget decodeBudget,
            EnrolledFaces enrolled) {
        this.currentModel = currentModel;
        this.enrolled = enrolled;
        this.properties = properties;
        this.timers = Stream.of(IDENTIFIED, Identification.UNKNOWN, REJECTED, UNAVAILABLE)
                .collect(Collectors.toUnmodifiableMap(
                        outcome -> outcome,
                        outcome -> Timer.builder("visage.identify")
                                .description("POST /identify, by outcome")
                                .tag("outcome", outcome)
                                .publishPercentileHistogram()
                                .register(meters)));
        this.finder =
                new FaceFinder(detector, properties.maxPixels(), properties.maxFaces(), properties.minConfidence());
        this.photoFaces = new PhotoFaces(finder, properties, meters, decodeBudget);
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
        String outcome = UNAVAILABLE;
        try {
            FaceImageDecoder.Header header = finder.inspect(image);
            ServingModel model = currentModel.acquire();
            Optional<EnrolledFaces.Gallery> gallery = Optional.empty();
            try {
                gallery = enrolled.gallery();
                FaceCrop galleryCrop = gallery.map(EnrolledFaces.Gallery::crop).orElse(null);
                FaceFinder.FoundFaces cropped = photoFaces.read(
                        image, header, detect, located -> finder.crop(located, model.crop(), galleryCrop));
                float[][] probabilities = cropped.crops().isEmpty()
                        ? new float[0][]
                        : await(worker.submit(model, cropped.crops().toArray(float[][]::new)));
                List<EnrolledFaces.Match> matches =
                        gallery.isEmpty() || cropped.crops().isEmpty()
                                ? List.of()
                                : gallery.get().match(cropped.baseCrops().toArray(float[][]::new), top);
                List<Identification.Face> faces =
                        finder.answer(model, cropped, probabilities, matches, enrolled, top, withCrop);
                Identification answer = Answers.of(faces, model.version(), (System.nanoTime() - start) / 1e6);
                outcome = answer.known() ? IDENTIFIED : Identification.UNKNOWN;
                return answer;
            } finally {
                gallery.ifPresent(EnrolledFaces.Gallery::close);
                model.release();
            }
        } catch (ImageRejectedException e) {
            outcome = REJECTED;
            throw e;
        } finally {
            timers.get(outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Every face of an uploaded photo, largest first, each framed as an LFW image: what enrolment keeps of a photo.
     * Read as {@code /identify} reads photos (the same checks, memory budget and turns).
     */
    public List<FramedFace> framedFaces(byte[] image) {
        FaceImageDecoder.Header header = finder.inspect(image);
        return photoFaces.read(
                image,
                header,
                true,
                located -> located.faces().stream()
                        .map(face -> FramedFace.of(located.photo(), face, finder.minFaceSize()))
                        .toList());
    }

    /** Waits for the forward pass; a request given up on is cancelled, so that the worker skips it. */
    private float[][] await(CompletableFuture<float[][]> result) {
        try {
            return result.get(properties.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            result.cancel(false);
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("Interrupted while waiting for the model");
        } catch (TimeoutException e) {
            result.cancel(false);
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
