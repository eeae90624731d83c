package dev.visage.identify;

import java.util.Optional;

/** Identification's view of the enrolled people when nobody is enrolled: the model alone answers. */
final class NobodyEnrolled implements EnrolledFaces {

    @Override
    public Optional<Gallery> gallery() {
        return Optional.empty();
    }

    @Override
    public boolean onlyEnrolled() {
        return false;
    }
}
