package dev.visage.people;

import dev.visage.system.DomainError;

/** The person has no enrolled photo with that id. */
public final class PhotoNotFoundException extends RuntimeException implements DomainError {

    PhotoNotFoundException(String personId, String photoId) {
        super("Person " + personId + " has no photo " + photoId);
    }

    @Override
    public Problem problem() {
        return new Problem(404, "no-such-photo", "No such photo");
    }
}
