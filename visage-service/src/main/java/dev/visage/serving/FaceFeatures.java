package dev.visage.serving;

import dev.visage.face.FaceCrop;

/**
 * The face base in use, as enrolment and matching need it: one unit-length feature vector per face crop, and the
 * cosine-similarity threshold above which a face is the same person as an enrolled prototype. A reference taken
 * with {@link CurrentBase#acquire()}: the base stays loaded until every holder has closed theirs, even when a newer
 * base replaces it meanwhile.
 *
 * <p>{@link #features} runs on the caller's thread, one call at a time per base (calls wait for each other), with
 * its native memory freed before it returns; callers bound the number of crops per call.
 */
public interface FaceFeatures extends AutoCloseable {

    /** The base's version (its folder in the store's {@code bases/}). */
    String baseVersion();

    /**
     * How to crop a face for {@link #features}: {@code crop().toPixels(photo, frame, 0, out, offset)} writes one
     * face's CHW floats in [0, 1] from a decoded {@code face.Photo} and its {@code face.FaceFrame}.
     */
    FaceCrop crop();

    /**
     * The features of each crop (CHW floats in [0, 1], {@code 3 * side * side} of them, as {@link #crop()} makes):
     * averaged over the face and its mirror image, scaled to unit length, so the cosine similarity of two faces is
     * the dot product of their vectors.
     */
    float[][] features(float[][] crops);

    /**
     * The cosine similarity between a face's features and an enrolled person's prototype (the mean of their
     * enrolled faces' features, at unit length) at and above which the face is that person, calibrated on people
     * the base never saw so that nearly all strangers stay below it.
     */
    float matchThreshold();

    /** Releases this reference; the last release of a replaced base frees its native memory. */
    @Override
    void close();
}
