package dev.visage.serving;

import ai.djl.inference.Predictor;
import dev.visage.face.FaceCrop;
import dev.visage.store.ModelManifest;
import dev.visage.store.StoredModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded model in service, with reference counting: requests {@link #acquire()} it before use and
 * {@link #release()} it after, and a model swapped out of service is closed only once its last in-flight request
 * has released it.
 */
public final class ServingModel {

    /** The threshold of a model whose training sampled no outsiders to calibrate one on. */
    public static final float UNCALIBRATED_MIN_CONFIDENCE = 0.4f;

    private final StoredModel stored;
    private final Predictor<float[][], float[][]> predictor;
    // 1 for being in service, plus 1 per in-flight request.
    private final AtomicInteger references = new AtomicInteger(1);

    public ServingModel(StoredModel stored) {
        this.stored = stored;
        this.predictor = stored.model()
                .newPredictor(new FaceBatchTranslator(
                        stored.manifest().preprocessing(),
                        stored.manifest().people().size()));
    }

    public ModelManifest manifest() {
        return stored.manifest();
    }

    public String version() {
        return stored.version();
    }

    public List<String> people() {
        return stored.manifest().people();
    }

    /**
     * The top probability below which this model's answer is "unknown": the operator's {@code override}
     * ({@code visage.identify.min-confidence}) when set, else the threshold calibrated in its training, else
     * {@link #UNCALIBRATED_MIN_CONFIDENCE} for a model trained without outsiders.
     */
    public float minConfidence(Float override) {
        return minConfidence(stored.manifest(), override);
    }

    /** The same rule as {@link #minConfidence(Float)}, for a model known by its manifest. */
    static float minConfidence(ModelManifest manifest, Float override) {
        if (override != null) {
            return override;
        }
        return manifest.minConfidence() == null ? UNCALIBRATED_MIN_CONFIDENCE : manifest.minConfidence();
    }

    public FaceCrop crop() {
        return stored.manifest().preprocessing().crop();
    }

    /** The predictor; not thread-safe, so only the batching worker's single thread calls it. */
    Predictor<float[][], float[][]> predictor() {
        return predictor;
    }

    /** Takes a reference; false if the model was already closed (the caller then takes the next one). */
    boolean acquire() {
        int current;
        do {
            current = references.get();
            if (current == 0) {
                return false;
            }
        } while (!references.compareAndSet(current, current + 1));
        return true;
    }

    /** Drops a reference; the last one closes the predictor and frees the model's native memory. */
    public void release() {
        if (references.decrementAndGet() == 0) {
            predictor.close();
            stored.close();
        }
    }
}
