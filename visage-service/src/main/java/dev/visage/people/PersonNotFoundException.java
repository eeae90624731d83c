package dev.visage.people;

import dev.visage.system.DomainError;

/** No enrolled person with that id (never enrolled, or erased). */
public final class PersonNotFoundException extends RuntimeException implements DomainError {

    PersonNotFoundException(String id) {
        super("No enrolled person " + id);
    }

    @Override
    public Problem problem() {
        return new Problem(404, "no-such-person", "No such person");
    }
}
