package dev.visage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary folders for fixtures that JUnit's {@code @TempDir} cannot scope (they live as long as the test JVM or
 * only inside a helper), so that a test run leaves nothing behind in the system's temporary folder.
 */
public final class TemporaryFolders {

    private TemporaryFolders() {}

    /** Creates a temporary folder that is deleted, with everything in it, when the JVM exits. */
    public static Path untilExit(String prefix) throws IOException {
        Path folder = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(folder), "delete " + folder));
        return folder;
    }

    /** Deletes a file or a folder with everything in it; nothing happens for {@code null} or a missing path. */
    public static void delete(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
