package dev.visage.store;

import dev.visage.system.DomainError;

/**
 * A change to the store that its state forbids: deleting the current version, or rolling back with no earlier
 * version to go to.
 */
public final class ModelConflictException extends ModelStoreException implements DomainError {

    public ModelConflictException(String message) {
        super(message);
    }

    @Override
    public Problem problem() {
        return new Problem(409, "model-conflict", "Model version conflict");
    }
}
