package dev.visage.store;

import dev.visage.system.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cleaning up the store: leftovers of interrupted writes, and versions beyond the number kept. */
final class Housekeeping {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private Housekeeping() {}

    /**
     * The version folders, oldest first: every folder but the training jobs', the bases' and those whose name
     * starts with a dot.
     */
    static List<String> versions(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".")
                            && !name.equals(JobFiles.FOLDER)
                            && !name.equals(BaseStore.FOLDER)
                            && !name.equals(ModelStore.PEOPLE_FOLDER))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root, e);
        }
    }

    /** @throws ModelStoreException naming the folder and the user when this process cannot create it or write in it */
    static void checkWritable(Path root) {
        Path probe = root.resolve(ModelStore.TEMPORARY_PREFIX + "write-check-" + UUID.randomUUID());
        try {
            Files.createDirectories(root);
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ModelStoreException(
                    "The model store " + root.toAbsolutePath() + " is not writable by this process (user "
                            + System.getProperty("user.name") + "): " + e + ". Make the folder (in Docker: the "
                            + "/models volume) writable for that user, e.g. chown it to uid 1000, or set "
                            + "visage.models.dir to one that is",
                    e);
        }
    }

    static int removeStaleTemporaries(Path root, Duration olderThan) {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        Instant before = Instant.now().minus(olderThan);
        int removed = 0;
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.toList()) {
                if (entry.getFileName().toString().startsWith(ModelStore.TEMPORARY_PREFIX)
                        && Files.getLastModifiedTime(entry).toInstant().isBefore(before)) {
                    log.warn("Removing {}, left behind by an interrupted write", entry);
                    Folders.deleteRecursively(entry);
                    removed++;
                }
            }
        } catch (IOException e) {
            log.warn("Cannot clean up temporary files in {}: {}", root, e.toString());
        }
        return removed;
    }

    /** The oldest of {@code versions} (sorted, oldest first) beyond the newest {@code keep}, except {@code kept}. */
    static List<String> beyond(List<String> versions, int keep, Set<String> kept) {
        return versions.subList(0, Math.max(0, versions.size() - keep)).stream()
                .filter(version -> !kept.contains(version))
                .toList();
    }
}
