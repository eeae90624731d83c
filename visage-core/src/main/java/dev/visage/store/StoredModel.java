package dev.visage.store;

import ai.djl.Model;
import java.nio.file.Path;

/** A model loaded from the store with its manifest; closing it frees the model's native memory. */
public record StoredModel(Model model, ModelManifest manifest, Path folder) implements AutoCloseable {

    public String version() {
        return manifest.version();
    }

    @Override
    public void close() {
        model.close();
    }
}
