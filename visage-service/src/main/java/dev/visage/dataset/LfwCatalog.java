package dev.visage.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The people and image files of an extracted LFW folder ({@code <dir>/<Person_Name>/<Person_Name>_0001.jpg}). */
public final class LfwCatalog {

    private final Path root;
    private final Map<String, List<String>> filesByPerson;

    private LfwCatalog(Path root, Map<String, List<String>> filesByPerson) {
        this.root = root;
        this.filesByPerson = filesByPerson;
    }

    /** Lists the folder: one sub-folder per person holding that person's JPEG files. */
    public static LfwCatalog scan(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("LFW folder not found: " + root.toAbsolutePath()
                    + " (set visage.lfw.dir / VISAGE_LFW_DIR to the folder holding one sub-folder per person)");
        }
        Map<String, List<String>> filesByPerson = new TreeMap<>();
        try (Stream<Path> people = Files.list(root)) {
            for (Path person : people.filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.list(person)) {
                    List<String> images = files.map(file -> file.getFileName().toString())
                            .filter(LfwCatalog::isImage)
                            .sorted()
                            .toList();
                    if (!images.isEmpty()) {
                        filesByPerson.put(person.getFileName().toString(), images);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list LFW folder " + root, e);
        }
        if (filesByPerson.isEmpty()) {
            throw new IllegalArgumentException("No images found in LFW folder " + root.toAbsolutePath()
                    + " (expected <dir>/<Person_Name>/<Person_Name>_0001.jpg)");
        }
        return new LfwCatalog(root, filesByPerson);
    }

    /** Whether {@code dir} is a folder holding at least one person folder. */
    public static boolean holdsPeople(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.anyMatch(Files::isDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }

    private static boolean isImage(String name) {
        String lower = name.toLowerCase();
        return lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png");
    }

    public Path root() {
        return root;
    }

    /** Every person's name, sorted. */
    public List<String> people() {
        return List.copyOf(filesByPerson.keySet());
    }

    /** Image file names of one person, sorted; empty when the person is unknown. */
    public List<String> imagesOf(String person) {
        return filesByPerson.getOrDefault(person, List.of());
    }

    /** Resolves a selection to people names in class order. */
    public List<String> select(PeopleSelection selection) {
        if (selection instanceof PeopleSelection.Named named) {
            List<String> missing = named.names().stream()
                    .filter(name -> !filesByPerson.containsKey(name))
                    .toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("Not in " + root + ": " + missing);
            }
            return named.names();
        }
        int count = ((PeopleSelection.Top) selection).count();
        if (count > filesByPerson.size()) {
            throw new IllegalArgumentException(
                    "Asked for the top " + count + " people but " + root + " holds only " + filesByPerson.size());
        }
        return filesByPerson.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, List<String>>>comparingInt(
                                e -> -e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .limit(count)
                .map(Map.Entry::getKey)
                .toList();
    }
}
