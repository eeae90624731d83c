package dev.visage.dataset;

/**
 * One image of the data set.
 *
 * @param file path relative to the LFW folder, e.g. {@code George_W_Bush/George_W_Bush_0001.jpg}
 * @param label class index of the person
 */
public record LabeledImage(String file, int label) {}
