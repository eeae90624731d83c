package dev.visage.identify;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import dev.visage.DjlEnvironment;
import dev.visage.dataset.FaceCrop;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoredEvent;

/**
 * Identifies faces with the current model, and swaps in new models without failing a request: each request
 * holds a reference to the model it started with, and a replaced model is closed after its last request.
 */
@Service
public class IdentificationService implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(IdentificationService.class);
    private static final String IDENTIFIED = "identified";
    private static final String REJECTED = "rejected";
    private static final String UNAVAILABLE = "unavailable";

    private final ModelStore store;
    private final IdentifyProperties properties;
    private final FaceImageDecoder decoder;
    private final BatchingWorker worker;
    private final Map<String, Timer> timers;
    private final AtomicReference<ServingModel> current = new AtomicReference<>();

    IdentificationService(ModelStore store, IdentifyProperties properties, MeterRegistry meters) {
        this.store = store;
        this.properties = properties;
        this.timers = Stream.of(IDENTIFIED, Identification.UNKNOWN, REJECTED, UNAVAILABLE).collect(Collectors.toUnmodifiableMap(
                outcome -> outcome, outcome -> Timer.builder("visage.identify")
                        .description("POST /identify, by outcome").tag("outcome", outcome)
                        .publishPercentileHistogram().register(meters)));
        this.decoder = new FaceImageDecoder(properties.maxPixels());
        // Loads LibTorch on a thread whose context class loader is Spring's (needed inside the fat jar).
        DjlEnvironment.loadEngine();
        this.worker = new BatchingWorker(properties.maxBatchSize(), properties.queueCapacity(),
                () -> DjlEnvironment.useIntraOpThreads(properties.inferenceThreads()));
        store.currentVersion().ifPresentOrElse(this::serve, () -> log.info("No model in {} yet", store.root()));
    }

    /** The manifest of the model in service, if any. */
    public Optional<ModelManifest> currentModel() {
        return Optional.ofNullable(current.get()).map(ServingModel::manifest);
    }

    /** Loads a stored version and puts it in service; the previous model closes after its in-flight requests. */
    public void serve(String version) {
        ServingModel next = new ServingModel(store.load(version));
        ServingModel previous = current.getAndSet(next);
        log.info("Serving model {} ({} people)", version, next.people().size());
        if (previous != null) {
            previous.release();
        }
    }

    /** Switches to a model that training just stored; a model that fails to load leaves the current one serving. */
    @EventListener
    void onModelStored(ModelStoredEvent event) {
        try {
            serve(event.manifest().version());
        } catch (RuntimeException e) {
            log.error("New model {} could not be put in service; still serving {}", event.manifest().version(),
                    currentModel().map(ModelManifest::version).orElse("none"), e);
        }
    }

    /**
     * Identifies the face in an uploaded image.
     *
     * @param top how many candidates to return (capped to the number of people)
     * @param withCrop whether to return the face crop the model saw, as a PNG data URL
     */
    public Identification identify(byte[] image, int top, boolean withCrop) {
        long start = System.nanoTime();
        String outcome = REJECTED;
        try {
            BufferedImage decoded = decoder.decode(image);
            // From here on a failure is the service's (no model yet, busy), not the upload's.
            outcome = UNAVAILABLE;
            ServingModel model = acquire();
            try {
                FaceCrop crop = model.crop();
                float[] face = new float[crop.pixelCount(0)];
                crop.toPixels(decoded, 0, face, 0);
                float[] probabilities = await(worker.submit(model, face));
                Identification answer = answer(model, probabilities, Math.min(top, model.people().size()),
                        withCrop ? pngDataUrl(face, crop.imageSize()) : null, start);
                outcome = answer.known() ? IDENTIFIED : Identification.UNKNOWN;
                return answer;
            } finally {
                model.release();
            }
        } finally {
            timers.get(outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private ServingModel acquire() {
        while (true) {
            ServingModel model = current.get();
            if (model == null) {
                throw new ModelNotReadyException();
            }
            if (model.acquire()) {
                return model;
            }
            // Swapped out and closed between get() and acquire(): the next read sees its successor.
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
            throw new IllegalStateException("Identification failed: " + e.getCause().getMessage(), e.getCause());
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
        return new Identification(known ? model.people().get(order[0]) : Identification.UNKNOWN, known, confidence,
                candidates, Math.max(0, 1 - shown), model.version(), (System.nanoTime() - start) / 1e6, crop);
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
        ServingModel model = current.getAndSet(null);
        if (model != null) {
            model.release();
        }
    }
}
