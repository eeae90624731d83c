package dev.visage.people;

import dev.visage.system.DomainError;

/** A name that cannot be given: empty or too long once trimmed, or already another person's. */
public final class PersonNameException extends RuntimeException implements DomainError {

    private final Problem problem;

    private PersonNameException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    @Override
    public Problem problem() {
        return problem;
    }

    static PersonNameException invalid(String detail) {
        return new PersonNameException(new Problem(400, "invalid-person-name", "Invalid name"), detail);
    }

    static PersonNameException taken(String existingId) {
        return new PersonNameException(
                new Problem(409, "person-name-taken", "Name already enrolled").with("personId", existingId),
                "Another person (" + existingId + ") has this name, ignoring case; names are unique");
    }
}
