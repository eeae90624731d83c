package dev.visage.store;

/**
 * A change to the store that its state forbids: deleting the current version, or rolling back with no earlier
 * version to go to.
 */
public final class ModelConflictException extends ModelStoreException {

    public ModelConflictException(String message) {
        super(message);
    }
}
