package dev.visage.store;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up stopped by the model store: its message, without the bean-creation stack around it. */
final class ModelStoreFailureAnalyzer extends AbstractFailureAnalyzer<ModelStoreException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ModelStoreException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Check visage.models.dir (env VISAGE_MODELS_DIR): the folder must exist or be creatable, and be "
                        + "writable by the user Visage runs as.",
                cause);
    }
}
