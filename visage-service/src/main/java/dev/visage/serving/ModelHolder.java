package dev.visage.serving;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the model in service and hands out references to it: a model replaced while requests use it is closed
 * after the last of them releases it.
 */
final class ModelHolder {

    private final AtomicReference<ServingModel> current = new AtomicReference<>();

    /** The model in service, if any, without taking a reference: for what it is, not to run it. */
    Optional<ServingModel> current() {
        return Optional.ofNullable(current.get());
    }

    /** Puts {@code next} in service (null: none); the previous model closes after its in-flight requests. */
    void replace(ServingModel next) {
        ServingModel previous = current.getAndSet(next);
        if (previous != null) {
            previous.release();
        }
    }

    /**
     * Takes a reference on the model in service; the caller must {@link ServingModel#release()} it.
     *
     * @throws ModelNotReadyException if no model serves
     */
    ServingModel acquire() {
        while (true) {
            ServingModel model = current.get();
            if (model == null) {
                throw new ModelNotReadyException();
            }
            if (model.acquire()) {
                return model;
            }
            // Swapped out and closed between get() and acquire(): the next read sees its successor.
        }
    }
}
