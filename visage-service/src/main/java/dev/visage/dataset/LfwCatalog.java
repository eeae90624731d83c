package dev.visage.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The people and image files training draws from: those of an extracted LFW folder
 * ({@code <dir>/<Person_Name>/<Person_Name>_0001.jpg}) and, for a model of the enrolled people, their stored crops,
 * known as {@code <personId>/<photoId>.png} in the split. The enrolled people are never among {@link #people()}, so
 * that none is ever an outsider.
 */
public final class LfwCatalog {

    /** People a model of the enrolled people needs, as any model. */
    public static final int MIN_ENROLLED_PEOPLE = 2;

    private final Path root;
    private final Map<String, List<String>> filesByPerson;
    /** The enrolled people trained on, in enrolment order: their crops by file name. */
    private final Map<String, Map<String, EnrolledCrops.Crop>> enrolled;

    private LfwCatalog(
            Path root, Map<String, List<String>> filesByPerson, Map<String, Map<String, EnrolledCrops.Crop>> enrolled) {
        this.root = root;
        this.filesByPerson = filesByPerson;
        this.enrolled = enrolled;
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
        return new LfwCatalog(root, filesByPerson, Map.of());
    }

    /**
     * This catalog with the enrolled people who have at least {@link DataSplit#MIN_IMAGES_PER_PERSON} photos, for
     * {@link PeopleSelection#ENROLLED}; the others are left out, of the classes and of the outsiders alike.
     *
     * @throws TooFewEnrolledPeopleException if fewer than {@link #MIN_ENROLLED_PEOPLE} have that many
     */
    public LfwCatalog withEnrolled(List<EnrolledCrops.Person> people) {
        List<EnrolledCrops.Person> trainable = trainable(people);
        Map<String, Map<String, EnrolledCrops.Crop>> crops = new LinkedHashMap<>();
        for (EnrolledCrops.Person person : trainable) {
            Map<String, EnrolledCrops.Crop> byName = new TreeMap<>();
            person.crops().forEach(crop -> byName.put(crop.file().getFileName().toString(), crop));
            crops.put(person.id(), byName);
        }
        return new LfwCatalog(root, filesByPerson, crops);
    }

    /**
     * The enrolled people a model of them trains on: those with enough photos.
     *
     * @throws TooFewEnrolledPeopleException if fewer than {@link #MIN_ENROLLED_PEOPLE} have enough
     */
    public static List<EnrolledCrops.Person> trainable(List<EnrolledCrops.Person> people) {
        List<EnrolledCrops.Person> trainable = people.stream()
                .filter(person -> person.crops().size() >= DataSplit.MIN_IMAGES_PER_PERSON)
                .toList();
        if (trainable.size() < MIN_ENROLLED_PEOPLE) {
            throw new TooFewEnrolledPeopleException(trainable.size(), people.size());
        }
        return trainable;
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

    /** Image file names of one person (of LFW, or enrolled), sorted; empty when the person is unknown. */
    public List<String> imagesOf(String person) {
        Map<String, EnrolledCrops.Crop> crops = enrolled.get(person);
        return crops != null ? List.copyOf(crops.keySet()) : filesByPerson.getOrDefault(person, List.of());
    }

    /** Whether an image of the split ({@code <person>/<file>}) is an enrolled person's, or the person is enrolled. */
    public boolean isEnrolled(String fileOrPerson) {
        int slash = fileOrPerson.indexOf('/');
        return enrolled.containsKey(slash < 0 ? fileOrPerson : fileOrPerson.substring(0, slash));
    }

    /** Where an image of the split ({@code <person>/<file>}) is stored. */
    public Path path(String file) {
        if (!isEnrolled(file)) {
            return root.resolve(file);
        }
        return crop(file).file();
    }

    /**
     * The bytes of an image of the split ({@code <person>/<file>}); an enrolled crop is checked against the SHA-256
     * recorded when it was enrolled.
     */
    public byte[] read(String file) throws IOException {
        byte[] bytes = Files.readAllBytes(path(file));
        if (isEnrolled(file) && !new Checksum("SHA-256", crop(file).sha256()).matches(bytes)) {
            throw new IOException("the stored crop does not match its SHA-256 (changed after it was enrolled)");
        }
        return bytes;
    }

    private EnrolledCrops.Crop crop(String file) {
        int slash = file.indexOf('/');
        EnrolledCrops.Crop crop = enrolled.get(file.substring(0, slash)).get(file.substring(slash + 1));
        if (crop == null) {
            throw new IllegalArgumentException("No enrolled crop " + file + " in this catalog");
        }
        return crop;
    }

    /** The LFW people a selection takes, whom a face base leaves out: none for the enrolled people. */
    public List<String> lfwPeopleOf(PeopleSelection selection) {
        return selection instanceof PeopleSelection.Enrolled ? List.of() : select(selection);
    }

    /** Resolves a selection to people names (or enrolled people's ids) in class order. */
    public List<String> select(PeopleSelection selection) {
        if (selection instanceof PeopleSelection.Enrolled) {
            if (enrolled.size() < MIN_ENROLLED_PEOPLE) {
                throw new TooFewEnrolledPeopleException(enrolled.size(), enrolled.size());
            }
            return List.copyOf(enrolled.keySet());
        }
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
