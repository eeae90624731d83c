package dev.visage.jobs;

import dev.visage.store.ModelRefusedException;
import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoreException;
import dev.visage.store.StoredModel;
import dev.visage.training.TrainingMetrics;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Puts a freshly stored candidate into service, or keeps it out, as its job asked: {@code auto} through the
 * {@link QualityGate} against the current model, {@code force} without it, {@code never} not at all. A model
 * that fails its self-test, or was trained on people erased since, never goes into service. Every decision is
 * recorded in the store's history.
 */
@Service
public class ModelPromotion {

    private static final Logger log = LoggerFactory.getLogger(ModelPromotion.class);

    private final ModelStore store;
    private final QualityGate gate;

    ModelPromotion(ModelStore store, QualityGate gate) {
        this.store = store;
        this.gate = gate;
    }

    /**
     * What became of a candidate.
     *
     * @param promoted whether it is now current
     * @param reason why, for people: the gate's checks, the self-test failure, or the request
     */
    public record Decision(boolean promoted, String reason) {}

    /**
     * Decides on {@code version}, a candidate just stored.
     *
     * @param stillAllowed false once the job lost the store's training lock: nothing is promoted then
     */
    public Decision decide(String version, PromotionPolicy promotion, BooleanSupplier stillAllowed) {
        if (promotion == PromotionPolicy.NEVER) {
            return new Decision(false, "stored as a candidate, as requested (promote: never)");
        }
        if (store.trainedPeople().onErased(version)) {
            return reject(version, "it was trained on people erased since");
        }
        String refusal = selfTest(version);
        if (refusal != null) {
            return reject(version, "it failed its self-test: " + refusal);
        }
        String why;
        if (promotion == PromotionPolicy.FORCE) {
            why = "forced (promote: force); self-test passed";
        } else {
            QualityGate.Verdict verdict = gate.judge(store.metrics(version, TrainingMetrics.class), serving(version));
            if (!verdict.passed()) {
                return reject(version, "quality gate: " + String.join("; ", verdict.reasons()));
            }
            why = "quality gate passed: " + String.join("; ", verdict.reasons()) + "; self-test passed";
        }
        if (!stillAllowed.getAsBoolean()) {
            return new Decision(false, "not promoted: the job lost the store's training lock to another instance");
        }
        store.promote(version, why);
        return new Decision(true, why);
    }

    private QualityGate.Serving serving(String candidate) {
        return store.currentVersion()
                .filter(current -> !current.equals(candidate))
                .map(current -> {
                    try {
                        return new QualityGate.Serving(current, store.metrics(current, TrainingMetrics.class));
                    } catch (ModelStoreException e) {
                        log.warn(
                                "The metrics of current model {} cannot be read ({}); comparing with none",
                                current,
                                e.getMessage());
                        return null;
                    }
                })
                .orElse(null);
    }

    /** Loads the candidate, which runs its checks and self-test; null if it passes, else why not. */
    private String selfTest(String version) {
        try (StoredModel loaded = store.load(version)) {
            return null;
        } catch (ModelRefusedException e) {
            return e.reason();
        }
    }

    private Decision reject(String version, String reason) {
        store.reject(version, reason);
        log.warn("Model {} stays a candidate: {}", version, reason);
        return new Decision(false, "not promoted: " + reason);
    }
}
