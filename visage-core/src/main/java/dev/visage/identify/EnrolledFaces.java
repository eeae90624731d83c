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

    /**
     * An enrolled person's current name, by id: a model trained on enrolled people names its classes so, a renamed
     * person by their new name; empty once the person is erased, so that nothing names them again.
     */
    Optional<String> name(String personId);

    /** Nobody enrolled, as the batch job sees the people: a model's enrolled classes are never named. */
    EnrolledFaces NONE = new EnrolledFaces() {

        @Override
        public Optional<Gallery> gallery() {
            return Optional.empty();
        }

        @Override
        public boolean onlyEnrolled() {
            return false;
        }

        @Override
        public Optional<String> name(String personId) {
            return Optional.empty();
        }
    };

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
