package dev.visage.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.visage.face.Preprocessing;
import dev.visage.network.NetworkConfig;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code model.json}: what a stored model is and how to feed it. Serving builds the network and the input
 * pipeline from this file alone.
 *
 * @param format version of this file's layout, checked on load ({@link #FORMAT})
 * @param version the model version (its folder name)
 * @param people names in class order: output i of the network is people[i]
 * @param network network shape, to rebuild the block before loading the weights
 * @param preprocessing crop geometry and normalisation the model was trained with
 * @param trainedAt when training finished
 * @param sha256 SHA-256 (hex) of the version's weights and self-test files, by file name relative to the version
 *        folder; checked on every load
 * @param minConfidence the threshold on the top probability calibrated for this model, below which the answer is
 *        "unknown"; null when its training sampled no outsiders to calibrate one on
 * @param backgroundClasses outputs of the network after the people's: background people that training showed as
 *        classes of their own. Answers name only the people; the background's probability counts as someone else's
 *        ({@code otherProbability})
 * @param base the version of the face base whose trunk the model started from; null for a model trained from
 *        scratch, and for a base
 * @param matchThreshold a base's cosine-similarity threshold between a face's features and an enrolled person's
 *        prototype, calibrated on people it never saw so that most strangers stay unknown; null for a model
 * @param enrolledPeople the ids of the enrolled people (see {@code /people}) whose photos trained the weights, ids
 *        only: these classes of {@code people} are named by the person's current name, and never once the person
 *        is erased ({@link TrainedPeople}); null for a model of LFW people only, and for a base
 */
public record ModelManifest(
        int format,
        String version,
        List<String> people,
        NetworkConfig network,
        Preprocessing preprocessing,
        Instant trainedAt,
        @JsonProperty(required = true) Map<String, String> sha256,
        Float minConfidence,
        int backgroundClasses,
        String base,
        Float matchThreshold,
        List<String> enrolledPeople) {

    /**
     * The layout this Visage writes and reads. Format 1 folders stored since {@code backgroundClasses} have the same
     * layout and still load; older ones, from before Visage trained background classes, are refused.
     */
    public static final int FORMAT = 2;

    public ModelManifest {
        people = List.copyOf(people);
        sha256 = Collections.unmodifiableMap(new TreeMap<>(sha256));
        enrolledPeople = enrolledPeople == null ? null : List.copyOf(enrolledPeople);
        if (backgroundClasses < 0) {
            throw new IllegalArgumentException("backgroundClasses must be >= 0: " + backgroundClasses);
        }
    }

    /** The manifest of a model about to be stored: the store assigns the version and the checksums. */
    public static ModelManifest unversioned(
            List<String> people,
            NetworkConfig network,
            Preprocessing preprocessing,
            Instant trainedAt,
            Float minConfidence,
            int backgroundClasses) {
        return new ModelManifest(
                FORMAT,
                null,
                people,
                network,
                preprocessing,
                trainedAt,
                Map.of(),
                minConfidence,
                backgroundClasses,
                null,
                null,
                null);
    }

    /** Outputs of the network: one per person, then the background classes. */
    public int outputs() {
        return people.size() + backgroundClasses;
    }

    ModelManifest withVersion(String newVersion) {
        return new ModelManifest(
                format,
                newVersion,
                people,
                network,
                preprocessing,
                trainedAt,
                sha256,
                minConfidence,
                backgroundClasses,
                base,
                matchThreshold,
                enrolledPeople);
    }

    ModelManifest withChecksums(Map<String, String> checksums) {
        return new ModelManifest(
                format,
                version,
                people,
                network,
                preprocessing,
                trainedAt,
                checksums,
                minConfidence,
                backgroundClasses,
                base,
                matchThreshold,
                enrolledPeople);
    }

    /** The same manifest, of a model that started from the trunk of base {@code baseVersion}. */
    public ModelManifest withBase(String baseVersion) {
        return new ModelManifest(
                format,
                version,
                people,
                network,
                preprocessing,
                trainedAt,
                sha256,
                minConfidence,
                backgroundClasses,
                baseVersion,
                matchThreshold,
                enrolledPeople);
    }

    /** The same manifest, of a base with its calibrated match threshold. */
    public ModelManifest withMatchThreshold(Float threshold) {
        return new ModelManifest(
                format,
                version,
                people,
                network,
                preprocessing,
                trainedAt,
                sha256,
                minConfidence,
                backgroundClasses,
                base,
                threshold,
                enrolledPeople);
    }

    /** The same manifest, of a model whose people include enrolled people, by id (see {@link #enrolledPeople}). */
    public ModelManifest withEnrolledPeople(List<String> ids) {
        return new ModelManifest(
                format,
                version,
                people,
                network,
                preprocessing,
                trainedAt,
                sha256,
                minConfidence,
                backgroundClasses,
                base,
                matchThreshold,
                ids);
    }

    /** Whether class {@code personId} (a label of {@link #people}) is an enrolled person. */
    public boolean trainedOn(String personId) {
        return enrolledPeople != null && enrolledPeople.contains(personId);
    }
}
