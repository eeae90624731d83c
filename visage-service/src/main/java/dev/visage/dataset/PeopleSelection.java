package dev.visage.dataset;

import java.util.Arrays;
import java.util.List;

/** Which people a model tells apart: the N with the most images, or an explicit list of names. */
public sealed interface PeopleSelection {

    static PeopleSelection top(int count) {
        return new Top(count);
    }

    static PeopleSelection named(List<String> names) {
        return new Named(List.copyOf(names));
    }

    /** A number N (the N people with the most images) or comma-separated names, as a setting gives them. */
    static PeopleSelection valueOf(String setting) {
        String text = setting.strip();
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
}
