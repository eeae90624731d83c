package dev.visage.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File-tree helpers shared by the LFW downloader and the model store. */
public final class Folders {

    private static final Logger log = LoggerFactory.getLogger(Folders.class);

    private Folders() {}

    /**
     * Renames {@code source} to {@code target} in one step, replacing a file or an empty folder there; falls back
     * to a plain move on file systems that cannot rename atomically.
     */
    public static void moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Deletes a file or folder tree, if present. Used to clean up staging folders, so a failure is only logged:
     * it must not hide the error that made the clean-up necessary. Another instance sharing the store may delete
     * the same tree at the same time (a walk then meets vanished files): that too is only logged.
     */
    public static void deleteRecursively(Path path) {
        if (path == null || Files.notExists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path file : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot delete {}: {}", path, e.toString());
        }
    }
}
