package dev.visage.identify;

import dev.visage.face.FaceCrop;
import dev.visage.face.LfwFrame;
import dev.visage.face.Photo;
import dev.visage.serving.BatchingWorker;
import dev.visage.serving.CurrentModel;
import dev.visage.serving.ServingModel;
import dev.visage.system.DjlEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

/**
 * Identifies the face in an uploaded photo with the model in service: decode, crop, one slot in a batched forward
 * pass, and the answer with its candidates. Times every request by outcome.
 */
@Service
public class IdentificationService implements DisposableBean {

    private static final String IDENTIFIED = "identified";
    private static final String REJECTED = "rejected";
    private static final String UNAVAILABLE = "unavailable";

    private final CurrentModel currentModel;
    private final IdentifyProperties properties;
    private final FaceImageDecoder decoder;
    private final BatchingWorker worker;
    private final Map<String, Timer> timers;
    private final MemoryBudget decodeBudget;

    IdentificationService(CurrentModel currentModel, IdentifyProperties properties, MeterRegistry meters) {
        this(currentModel, properties, meters, new MemoryBudget(Long.MAX_VALUE));
    }

    /** @param decodeBudget bytes of decoded pixels in flight at once: a decode that does not fit answers 503 */
    @Autowired
    IdentificationService(
            CurrentModel currentModel,
            IdentifyProperties properties,
            MeterRegistry meters,
            @Qualifier(UploadConfiguration.DECODE_BUDGET) MemoryBudget decodeBudget) {
        this.currentModel = currentModel;
        this.decodeBudget = decodeBudget;
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
        this.worker = new BatchingWorker(
                properties.maxBatchSize(),
                properties.queueCapacity(),
                () -> DjlEnvironment.useIntraOpThreads(properties.inferenceThreads()));
    }

    /**
     * Identifies the face in an uploaded image.
     *
     * @param top how many candidates to return (capped to the number of people)
     * @param withCrop whether to return the face crop the model saw, as a PNG data URL
     */
    public Identification identify(byte[] image, int top, boolean withCrop) {
        long start = System.nanoTime();
        String outcome = UNAVAILABLE;
        long decodeBytes = DecodeCost.of(image, properties.maxPixels());
        if (decodeBytes > decodeBudget.capacity()) {
            throw ImageRejectedException.tooLarge("Decoding this image takes " + (decodeBytes >> 20)
                    + " MiB, more than the " + (decodeBudget.capacity() >> 20)
                    + " MiB this service decodes at once; send a smaller image");
        }
        // The decoded pixels and their copies are charged to the budget until only the small face is left.
        try (MemoryBudget.Permit decoding = decodeBudget.acquire(decodeBytes)) {
            outcome = REJECTED;
            BufferedImage decoded = decoder.decode(image);
            // From here on a failure is the service's (no model yet, busy), not the upload's.
            outcome = UNAVAILABLE;
            ServingModel model = currentModel.acquire();
            try {
                FaceCrop crop = model.crop();
                float[] face = new float[crop.pixelCount(0)];
                Photo photo = Photo.of(decoded);
                crop.toPixels(photo, LfwFrame.centred(photo.width(), photo.height()), 0, face, 0);
                decoding.close();
                float[] probabilities = await(worker.submit(model, face));
                Identification answer = answer(
                        model,
                        probabilities,
                        Math.min(top, model.people().size()),
                        withCrop ? pngDataUrl(face, crop.imageSize()) : null,
                        start);
                outcome = answer.known() ? IDENTIFIED : Identification.UNKNOWN;
                return answer;
            } finally {
                model.release();
            }
        } finally {
            timers.get(outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private float[] await(CompletableFuture<float[]> result) {
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

    private Identification answer(ServingModel model, float[] probabilities, int top, String crop, long start) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        List<Identification.Candidate> candidates = new ArrayList<>(top);
        float shown = 0;
        for (int i = 0; i < top; i++) {
            candidates.add(new Identification.Candidate(model.people().get(order[i]), probabilities[order[i]]));
            shown += probabilities[order[i]];
        }
        float confidence = probabilities[order[0]];
        boolean known = confidence >= properties.minConfidence();
        return new Identification(
                known ? model.people().get(order[0]) : Identification.UNKNOWN,
                known,
                confidence,
                candidates,
                Math.max(0, 1 - shown),
                model.version(),
                (System.nanoTime() - start) / 1e6,
                crop);
    }

    /** The network's input as a PNG data URL, so a person can see what the model saw. */
    private static String pngDataUrl(float[] chw, int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        int plane = side * side;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int p = y * side + x;
                int r = Math.round(chw[p] * 255);
                int g = Math.round(chw[p + plane] * 255);
                int b = Math.round(chw[p + 2 * plane] * 255);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }

    @Override
    public void destroy() {
        worker.close();
    }
}
