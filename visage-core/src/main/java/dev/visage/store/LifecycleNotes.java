package dev.visage.store;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Records in {@code lifecycle.json}'s latest changes what happened in the store beside its versions. */
public final class LifecycleNotes {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private LifecycleNotes() {}

    /**
     * Adds a change that concerns no version, under the store's lock.
     *
     * @param action what happened, e.g. {@code erase-person}
     * @param detail what it concerned: ids and counts only, never personal data
     */
    public static void record(ModelStore store, String action, String detail) {
        new LifecycleFile(store.root(), JSON, store.mutex())
                .change(store.versions(), history -> history.note(Lifecycle.Event.now(action, null, detail)), null);
    }
}
