package dev.visage.store;

/**
 * One self-test photo of a model: a face from its test part, already cropped and scaled to the network input,
 * stored with the model as a PNG.
 *
 * @param source the photo it was cut from, relative to the LFW folder (for people reading {@code probes.json})
 * @param label the person it shows, as a class index
 * @param face CHW floats in [0, 1], 3 x imageSize x imageSize, as serving hands faces to the network
 */
public record Probe(String source, int label, float[] face) {}
