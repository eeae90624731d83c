package dev.visage.store;

/** Published when a new face base was stored, so that this instance puts it in use. */
public record BaseStoredEvent(ModelManifest manifest) {}
