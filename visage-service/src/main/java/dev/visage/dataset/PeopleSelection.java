package dev.visage.dataset;

import java.util.Arrays;
import java.util.List;

/**
 * Which people a model tells apart: the N with the most images, an explicit list of names, or the enrolled people
 * (see {@code /people}).
 */
public sealed interface PeopleSelection {

    static PeopleSelection top(int count) {
        return new Top(count);
    }

    static PeopleSelection named(List<String> names) {
        return new Named(List.copyOf(names));
    }

    /** The enrolled people with enough photos, as {@link LfwCatalog#withEnrolled} lists them. */
    PeopleSelection ENROLLED = new Enrolled();

    /** How a setting or a request names {@link #ENROLLED}. */
    String ENROLLED_NAME = "enrolled";

    /** A number N (the N people with the most images), {@code enrolled} or comma-separated names, as a setting gives them. */
    static PeopleSelection valueOf(String setting) {
        String text = setting.strip();
        if (text.equalsIgnoreCase(ENROLLED_NAME)) {
            return ENROLLED;
        }
        return text.matches("\\d+")
                ? top(Integer.parseInt(text))
                : named(Arrays.stream(text.split(",")).map(String::strip).toList());
    }

    /** The {@code count} people with the most images, ties broken by name; classes in that order. */
    record Top(int count) implements PeopleSelection {
        public Top {
            if (count < 2) {
                throw new IllegalArgumentException("Select at least 2 people, not " + count);
            }
        }
    }

    /** Exactly these people, classes in the given order. */
    record Named(List<String> names) implements PeopleSelection {
        public Named {
            if (names.size() < 2
                    || names.stream().distinct().count() != names.size()
                    || names.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("Name at least 2 distinct, non-blank people: " + names);
            }
        }
    }

    /**
     * The enrolled people with at least {@link DataSplit#MIN_IMAGES_PER_PERSON} photos, in enrolment order; the LFW
     * people are then outsiders only (background classes, outliers and strangers).
     */
    record Enrolled() implements PeopleSelection {}
}
