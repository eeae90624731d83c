package dev.visage.people;

import dev.visage.identify.EnrolledFaces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The enrolled people as the gallery compares faces with them: one prototype per person, the mean of their photos'
 * features scaled to unit length (a linear head whose rows are the prototypes), in one row-major matrix, made with
 * one base version.
 *
 * @param baseVersion the base whose features these are
 * @param ids the people, in the matrix's row order
 * @param names their names, in the same order
 * @param rows {@code ids.size() * dimensions} floats
 */
record Prototypes(String baseVersion, List<String> ids, List<String> names, float[] rows, int dimensions) {

    /** The prototype of each person with at least one photo's features. */
    static Prototypes of(String baseVersion, List<Person> people, FeatureLookup features) {
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<float[]> means = new ArrayList<>();
        int dimensions = 0;
        for (Person person : people) {
            float[] sum = null;
            for (Person.Photo photo : person.photos()) {
                float[] feature = features.of(person.id(), photo.id());
                if (feature != null) {
                    sum = sum == null ? new float[feature.length] : sum;
                    for (int d = 0; d < feature.length; d++) {
                        sum[d] += feature[d];
                    }
                }
            }
            if (sum != null) {
                ids.add(person.id());
                names.add(person.name());
                means.add(unitLength(sum));
                dimensions = sum.length;
            }
        }
        float[] rows = new float[means.size() * dimensions];
        for (int p = 0; p < means.size(); p++) {
            System.arraycopy(means.get(p), 0, rows, p * dimensions, dimensions);
        }
        return new Prototypes(baseVersion, List.copyOf(ids), List.copyOf(names), rows, dimensions);
    }

    /** A stored photo's features, or null when they are not computed. */
    @FunctionalInterface
    interface FeatureLookup {
        float[] of(String personId, String photoId);
    }

    /** The same prototypes for the people of {@code snapshot} only, under their current names: erasures apply at once. */
    Prototypes restrictedTo(Map<String, Person> people) {
        List<String> keptIds = new ArrayList<>();
        List<String> keptNames = new ArrayList<>();
        float[] kept = new float[rows.length];
        for (int p = 0; p < ids.size(); p++) {
            Person person = people.get(ids.get(p));
            if (person != null && !person.photos().isEmpty()) {
                System.arraycopy(rows, p * dimensions, kept, keptIds.size() * dimensions, dimensions);
                keptIds.add(person.id());
                keptNames.add(person.name());
            }
        }
        return new Prototypes(
                baseVersion,
                List.copyOf(keptIds),
                List.copyOf(keptNames),
                Arrays.copyOf(kept, keptIds.size() * dimensions),
                dimensions);
    }

    boolean isEmpty() {
        return ids.isEmpty();
    }

    /**
     * Each face's most alike people: the cosine similarity of unit-length features with every prototype, one
     * matrix product.
     *
     * @param features one unit-length row per face
     * @param threshold the similarity at and above which the best is named
     */
    List<EnrolledFaces.Match> match(float[][] features, int top, float threshold) {
        int people = ids.size();
        List<EnrolledFaces.Match> matches = new ArrayList<>(features.length);
        for (float[] face : features) {
            float[] similarity = new float[people];
            for (int p = 0; p < people; p++) {
                float dot = 0;
                int row = p * dimensions;
                for (int d = 0; d < dimensions; d++) {
                    dot += face[d] * rows[row + d];
                }
                similarity[p] = dot;
            }
            List<EnrolledFaces.Match.Candidate> candidates = best(similarity, Math.min(top, people));
            matches.add(new EnrolledFaces.Match(
                    candidates, !candidates.isEmpty() && candidates.get(0).similarity() >= threshold));
        }
        return matches;
    }

    /** The {@code count} highest similarities, highest first (a partial selection: count is small). */
    private List<EnrolledFaces.Match.Candidate> best(float[] similarity, int count) {
        List<EnrolledFaces.Match.Candidate> best = new ArrayList<>(count);
        boolean[] taken = new boolean[similarity.length];
        for (int k = 0; k < count; k++) {
            int top = -1;
            for (int p = 0; p < similarity.length; p++) {
                if (!taken[p] && (top < 0 || similarity[p] > similarity[top])) {
                    top = p;
                }
            }
            taken[top] = true;
            best.add(new EnrolledFaces.Match.Candidate(ids.get(top), names.get(top), similarity[top]));
        }
        return best;
    }

    static float[] unitLength(float[] vector) {
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0;
        float[] unit = new float[vector.length];
        for (int d = 0; d < vector.length; d++) {
            unit[d] = vector[d] * scale;
        }
        return unit;
    }
}
