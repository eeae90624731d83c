package dev.visage.training;

import ai.djl.Model;
import dev.visage.dataset.DataSplit;
import dev.visage.face.Preprocessing;
import dev.visage.network.NetworkConfig;
import dev.visage.store.ModelManifest;
import dev.visage.store.Probe;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a training run: the model with its best epoch's weights, and everything needed to store,
 * serve and re-evaluate it, with the self-test probes to store beside it. Closing it frees the model.
 *
 * @param base the version of the face base whose trunk it started from; null for a model trained from scratch
 */
public record TrainedModel(
        Model model,
        Preprocessing preprocessing,
        NetworkConfig network,
        DataSplit split,
        int backgroundClasses,
        TrainingMetrics metrics,
        List<Probe> probes,
        String base)
        implements AutoCloseable {

    public List<String> people() {
        return split.people();
    }

    /** The manifest to store this model with: the store assigns the version and the checksums. */
    public ModelManifest manifest(Instant trainedAt, Float minConfidence) {
        return ModelManifest.unversioned(people(), network, preprocessing, trainedAt, minConfidence, backgroundClasses)
                .withBase(base);
    }

    /** The threshold calibrated on the validation parts; null when the split sampled no outsiders. */
    public Float calibratedMinConfidence() {
        return metrics.openSet() == null ? null : metrics.openSet().threshold();
    }

    @Override
    public void close() {
        model.close();
    }
}
