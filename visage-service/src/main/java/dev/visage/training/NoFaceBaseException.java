package dev.visage.training;

import dev.visage.system.DomainError;

/** A model run asked to start from the face base while the store holds none: train one first. */
public final class NoFaceBaseException extends RuntimeException implements DomainError {

    public NoFaceBaseException() {
        super("No face base is stored to start from; train one first (POST /train {\"kind\": \"base\"}, or the"
                + " train --base command)");
    }

    @Override
    public Problem problem() {
        return new Problem(409, "no-face-base", "No face base");
    }
}
