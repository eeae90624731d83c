package dev.visage.store;

/**
 * Published after a training job stored a new model version and made it current, so that serving can switch
 * to it without a restart.
 */
public record ModelPromotedEvent(ModelManifest manifest) {}
