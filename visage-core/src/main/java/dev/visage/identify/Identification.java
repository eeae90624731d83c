package dev.visage.identify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to one photo: every face found, and for compatibility the identity of the largest identified face at
 * the top level.
 *
 * @param person the largest identified face's most likely person, or {@code "unknown"} when the top probability is
 *     below the threshold or no face was identified
 * @param known whether {@code person} names one of the model's people
 * @param confidence the top probability (0 when no face was identified)
 * @param candidates the most likely people, most likely first
 * @param otherProbability the probability of everyone not among the candidates: the model's other people and anyone
 *     else (its background classes), so everything sums to 1
 * @param modelVersion the model that answered
 * @param timeMillis time spent from receiving the bytes to the answer
 * @param faceCrop the largest identified face as the model saw it, a PNG data URL, when asked for
 * @param faces every face found, largest first
 * @param reason why no face was identified ("no face found", "face too small"); absent when one was
 * @param personId the enrolled person {@code person} names (see {@code /people}); absent for the model's people
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Identification(
        String person,
        boolean known,
        float confidence,
        List<Candidate> candidates,
        float otherProbability,
        String modelVersion,
        double timeMillis,
        String faceCrop,
        List<Face> faces,
        String reason,
        String personId) {

    public static final String UNKNOWN = "unknown";
    public static final String NO_FACE = "no face found";
    public static final String TOO_SMALL = "face too small";
    public static final String TOO_MANY = "more faces than are identified per photo";

    /** One candidate person with their probability. */
    public record Candidate(String person, float probability) {}

    /**
     * Where a face is, in the pixels of the upright photo (after its EXIF orientation).
     *
     * @param x left edge
     * @param y top edge
     * @param width width
     * @param height height
     */
    public record Box(int x, int y, int width, int height) {}

    /**
     * One face of the photo. The identity fields are absent when the face was not identified; {@code reason} says
     * why.
     *
     * @param box where the face is
     * @param detectionScore how many detector windows agreed on it; absent without detection
     * @param person the most likely person, or {@code "unknown"}
     * @param known whether {@code person} names one of the model's people
     * @param confidence the top probability
     * @param candidates the most likely people, most likely first
     * @param otherProbability the probability of everyone not among the candidates
     * @param faceCrop the face as the model saw it, a PNG data URL, when asked for
     * @param reason why the face was not identified
     * @param personId the enrolled person {@code person} names; absent for the model's people
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Face(
            Box box,
            Integer detectionScore,
            String person,
            Boolean known,
            Float confidence,
            List<Candidate> candidates,
            Float otherProbability,
            String faceCrop,
            String reason,
            String personId) {

        static Face unidentified(Box box, Integer detectionScore, String reason) {
            return new Face(box, detectionScore, null, null, null, null, null, null, reason, null);
        }

        boolean identified() {
            return person != null;
        }
    }
}
