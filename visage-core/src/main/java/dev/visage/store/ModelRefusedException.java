package dev.visage.store;

import dev.visage.system.DomainError;

/**
 * A stored version that must not serve: its folder is incomplete or unreadable, a file's SHA-256 differs from the
 * one in {@code model.json}, its weights do not load, or its self-test failed.
 */
public final class ModelRefusedException extends ModelStoreException implements DomainError {

    private final String version;
    private final String reason;

    public ModelRefusedException(String version, String reason, Throwable cause) {
        super("Model " + version + " is refused: " + reason, cause);
        this.version = version;
        this.reason = reason;
    }

    /** Why, without the version, for health details and problem documents. */
    public String reason() {
        return reason;
    }

    @Override
    public Problem problem() {
        return new Problem(422, "model-refused", "Model refused")
                .with("version", version)
                .with("reason", reason);
    }
}
