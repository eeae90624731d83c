package dev.visage.people;

import dev.visage.system.DomainError;

/** Enrolling more would exceed {@code visage.people.max-people} or {@code max-photos-per-person}. */
public final class EnrolmentLimitException extends RuntimeException implements DomainError {

    private final String type;

    private EnrolmentLimitException(String type, String message) {
        super(message);
        this.type = type;
    }

    @Override
    public Problem problem() {
        return new Problem(409, type, "Enrolment limit reached");
    }

    static EnrolmentLimitException people(int max) {
        return new EnrolmentLimitException(
                "too-many-people",
                "At most " + max + " people may be enrolled (visage.people.max-people); delete someone first");
    }

    static EnrolmentLimitException photos(int max) {
        return new EnrolmentLimitException(
                "too-many-photos",
                "At most " + max + " photos per person may be enrolled (visage.people.max-photos-per-person);"
                        + " delete one first");
    }
}
