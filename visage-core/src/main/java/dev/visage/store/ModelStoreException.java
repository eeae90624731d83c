package dev.visage.store;

/** A model folder that is missing, incomplete or incompatible, or a store that cannot be written. */
public class ModelStoreException extends RuntimeException {

    ModelStoreException(String message) {
        super(message);
    }

    ModelStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
