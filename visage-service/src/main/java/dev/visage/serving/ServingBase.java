package dev.visage.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.visage.face.FaceCrop;
import dev.visage.network.FaceNetwork;
import dev.visage.store.StoredModel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded face base, reference-counted like {@link ServingModel}: 1 for being in use, plus 1 per holder; the
 * last release closes it. Each holder gets its own {@link FaceFeatures} view, whose {@link #close()} releases once.
 */
final class ServingBase {

    /** The match threshold of a base whose split had no calibration people (a tiny data set). */
    static final float UNCALIBRATED_MATCH_THRESHOLD = 0.8f;

    private final StoredModel stored;
    private final AtomicInteger references = new AtomicInteger(1);

    ServingBase(StoredModel stored) {
        this.stored = stored;
    }

    String version() {
        return stored.version();
    }

    /** A new holder's view; null if the base was already closed (the caller then takes the next one). */
    FaceFeatures acquire() {
        int current;
        do {
            current = references.get();
            if (current == 0) {
                return null;
            }
        } while (!references.compareAndSet(current, current + 1));
        return new Holder();
    }

    /** Drops a reference; the last one frees the base's native memory. */
    void release() {
        if (references.decrementAndGet() == 0) {
            stored.close();
        }
    }

    private synchronized float[][] features(float[][] crops) {
        try (NDManager manager = stored.model().getNDManager().newSubManager()) {
            NDArray batch = FaceBatchTranslator.normalizedBatch(
                    manager, stored.manifest().preprocessing(), crops);
            return FaceNetwork.rows(
                    FaceNetwork.features(stored.model().getBlock(), new ParameterStore(manager, false), batch));
        }
    }

    /** One holder's reference. */
    private final class Holder implements FaceFeatures {

        private final AtomicInteger open = new AtomicInteger(1);

        @Override
        public String baseVersion() {
            return stored.version();
        }

        @Override
        public FaceCrop crop() {
            return stored.manifest().preprocessing().crop();
        }

        @Override
        public float[][] features(float[][] crops) {
            if (open.get() == 0) {
                throw new IllegalStateException("This reference to base " + baseVersion() + " is closed");
            }
            return crops.length == 0 ? new float[0][] : ServingBase.this.features(crops);
        }

        @Override
        public float matchThreshold() {
            Float threshold = stored.manifest().matchThreshold();
            return threshold == null ? UNCALIBRATED_MATCH_THRESHOLD : threshold;
        }

        @Override
        public void close() {
            if (open.getAndSet(0) == 1) {
                release();
            }
        }
    }
}
