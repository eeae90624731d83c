package dev.visage.serving;

import dev.visage.store.ModelStore;

/** Makes the model in service for tests outside this package, where {@link CurrentModel}'s constructor is hidden. */
public final class CurrentModels {

    private CurrentModels() {}

    /** A {@link CurrentModel} over {@code store}, serving its current version if it has one; destroy it after. */
    public static CurrentModel over(ModelStore store) {
        return new CurrentModel(store);
    }

    /** Loads {@code version} from {@code store} and puts it in service, as an operator's promotion does. */
    public static void serve(CurrentModel model, ModelStore store, String version) {
        model.serve(store.load(version));
    }
}
