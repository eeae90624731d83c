package dev.visage.identify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The answer to one identification.
 *
 * @param person the most likely person, or {@code "unknown"} when the top probability is below the threshold
 * @param known whether {@code person} names one of the model's people
 * @param confidence the top probability
 * @param candidates the most likely people, most likely first
 * @param otherProbability the probability of all people not among the candidates (so everything sums to 1)
 * @param modelVersion the model that answered
 * @param timeMillis time spent from receiving the bytes to the answer
 * @param faceCrop the face as the model saw it, a PNG data URL, when asked for
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
        String faceCrop) {

    public static final String UNKNOWN = "unknown";

    /** One candidate person with their probability. */
    public record Candidate(String person, float probability) {}
}
