package dev.visage.store;

import dev.visage.system.DomainError;

/** The store has no version of that name. */
public final class ModelNotFoundException extends ModelStoreException implements DomainError {

    private final String version;

    public ModelNotFoundException(String version, String message) {
        super(message);
        this.version = version;
    }

    @Override
    public Problem problem() {
        return new Problem(404, "no-such-model", "No such model version").with("version", version);
    }
}
