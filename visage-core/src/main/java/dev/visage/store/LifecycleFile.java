package dev.visage.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code current} and {@code lifecycle.json}: read without a lock (each is replaced by an atomic rename), changed
 * only inside the {@link StoreMutex}, so that instances sharing the folder never lose each other's changes.
 *
 * <p>A store written before {@code lifecycle.json} existed made every new version current at once; its history
 * is taken to be every version up to {@code current}, in order.
 */
final class LifecycleFile {

    static final String FILE = "lifecycle.json";
    static final String CURRENT = "current";

    private final Path root;
    private final JsonMapper json;
    private final StoreMutex mutex;

    LifecycleFile(Path root, JsonMapper json, StoreMutex mutex) {
        this.root = root;
        this.json = json;
        this.mutex = mutex;
    }

    Optional<String> current() {
        Path pointer = root.resolve(CURRENT);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        try {
            String version = Files.readString(pointer, StandardCharsets.UTF_8).trim();
            return version.isEmpty() ? Optional.empty() : Optional.of(version);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pointer, e);
        }
    }

    Lifecycle read(List<String> versions) {
        Path file = root.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            String current = current().orElse(null);
            List<String> before = current == null
                    ? List.of()
                    : versions.stream().filter(v -> v.compareTo(current) <= 0).toList();
            return new Lifecycle(before, Map.of(), List.of());
        }
        try {
            return json.readValue(file.toFile(), Lifecycle.class);
        } catch (JacksonException e) {
            throw new ModelStoreException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Changes the history and, if {@code newCurrent} is not null, points {@code current} at it, as one step among
     * all instances. The history is written first: a crash in between leaves a history one step ahead, never a
     * current version that the history does not know.
     */
    Lifecycle change(List<String> versions, UnaryOperator<Lifecycle> change, String newCurrent) {
        try {
            return mutex.run(() -> {
                Lifecycle changed = change.apply(read(versions));
                replace(root, FILE, json.writeValueAsString(changed));
                if (newCurrent != null) {
                    replace(root, CURRENT, newCurrent + "\n");
                }
                return changed;
            });
        } catch (IOException | JacksonException e) {
            throw new ModelStoreException("Cannot update " + root.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** Replaces {@code root/name} with {@code content} in one rename. */
    static void replace(Path root, String name, String content) throws IOException {
        AtomicFiles.replace(root, name, content.getBytes(StandardCharsets.UTF_8));
    }
}
