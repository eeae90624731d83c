package dev.visage.serving;

import dev.visage.store.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A cheap fingerprint of a version folder's files, to tell whether a refused version was changed since. */
final class StoreFiles {

    private StoreFiles() {}

    /** The names, sizes and modification times of the version's files, or "missing". */
    static String state(ModelStore store, String version) {
        Path folder = store.root().resolve(version).normalize();
        if (!folder.startsWith(store.root().normalize()) || !Files.isDirectory(folder)) {
            return "missing";
        }
        StringBuilder state = new StringBuilder();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                state.append(file.getFileName())
                        .append(':')
                        .append(Files.size(file))
                        .append(':')
                        .append(Files.getLastModifiedTime(file).toMillis())
                        .append(';');
            }
        } catch (IOException e) {
            return "unreadable";
        }
        return state.toString();
    }
}
