package dev.visage.store;

/** The store has no version of that name. */
public final class ModelNotFoundException extends ModelStoreException {

    private final String version;

    public ModelNotFoundException(String version, String message) {
        super(message);
        this.version = version;
    }

    public String version() {
        return version;
    }
}
