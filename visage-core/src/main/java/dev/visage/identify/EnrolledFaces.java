package dev.visage.identify;

import dev.visage.face.FaceCrop;
import java.util.List;
import java.util.Optional;

/**
 * The people enrolled with their own photos, as identification compares faces with them (the {@code people}
 * package provides it): one prototype per person, in the feature space of the face base in use.
 */
public interface EnrolledFaces {

    /**
     * The gallery to compare faces with, holding the base it was made with until it is closed; empty when nobody
     * is enrolled or no base is in use, so that identification then computes no features at all.
     */
    Optional<Gallery> gallery();

    /** Whether only enrolled people are named: the LFW model's people are then never answered. */
    boolean onlyEnrolled();

    /** The enrolled people's prototypes, with the base that compares faces with them. */
    interface Gallery extends AutoCloseable {

        /** How to crop a face for {@link #match}. */
        FaceCrop crop();

        /** For each face crop, the enrolled people most like it, most alike first. */
        List<Match> match(float[][] crops, int top);

        @Override
        void close();
    }

    /**
     * How a face compares with the enrolled people.
     *
     * @param candidates at most {@code top} people, most alike first
     * @param known whether the first is alike enough to be named: its cosine similarity is at or above the base's
     *     match threshold
     */
    record Match(List<Candidate> candidates, boolean known) {

        /** An enrolled person and the cosine similarity of the face with their prototype. */
        public record Candidate(String personId, String name, float similarity) {}
    }
}
