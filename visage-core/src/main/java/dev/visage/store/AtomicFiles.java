package dev.visage.store;

import dev.visage.system.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Writes a file of the store in one rename: the content goes to a {@code .tmp-} file beside it first, so a reader
 * or a process killed at any moment sees the old file or the new one, never half of one.
 */
public final class AtomicFiles {

    /** The prefix of a write's temporary file or folder, which the store removes once stale. */
    public static final String TEMPORARY_PREFIX = ModelStore.TEMPORARY_PREFIX;

    private AtomicFiles() {}

    /** Replaces {@code folder/name} with {@code content} in one rename, creating the folder if needed. */
    public static void replace(Path folder, String name, byte[] content) throws IOException {
        Files.createDirectories(folder);
        Path temporary = folder.resolve(TEMPORARY_PREFIX + name + "-" + UUID.randomUUID());
        try {
            Files.write(temporary, content);
            Folders.moveAtomically(temporary, folder.resolve(name));
        } finally {
            Folders.deleteRecursively(temporary);
        }
    }
}
