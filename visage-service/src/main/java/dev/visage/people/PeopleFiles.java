package dev.visage.people;

import dev.visage.store.AtomicFiles;
import dev.visage.store.ModelStore;
import dev.visage.store.StoreMutex;
import dev.visage.store.TrainedPeople;
import dev.visage.system.Folders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The enrolled people on disk, in the model store's {@code people} folder: {@code <id>/person.json} and
 * {@code <id>/photos/<photoId>.png}, each written in one rename, and {@code revision}, rewritten after every change
 * so that instances sharing the store notice it by reading a few bytes. An erased person's folder is renamed away
 * first (so nobody sees half of it) and then deleted. Logs ids only, never names or faces.
 */
final class PeopleFiles {

    static final String PERSON = "person.json";
    static final String PHOTOS = "photos";
    static final String REVISION = "revision";
    private static final String PNG = ".png";
    private static final String ERASED = AtomicFiles.TEMPORARY_PREFIX + "erased-";
    private static final Pattern PHOTO_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Logger log = LoggerFactory.getLogger(PeopleFiles.class);

    private final StoreMutex mutex;
    private final Path folder;
    private final JsonMapper json = JsonMapper.builder().build();

    PeopleFiles(ModelStore store) {
        this.mutex = new StoreMutex(store.root());
        this.folder = store.root().resolve(ModelStore.PEOPLE_FOLDER);
    }

    Path folder() {
        return folder;
    }

    /** Runs {@code step} while no other thread or instance sharing the store changes it. */
    <T> T locked(StoreMutex.Step<T> step) {
        try {
            return mutex.run(step);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot change the enrolled people in " + folder + ": " + e, e);
        }
    }

    /** The store's revision of the people: changes whenever anyone is enrolled, renamed or erased. */
    String revision() {
        try {
            return Files.readString(folder.resolve(REVISION), StandardCharsets.UTF_8)
                    .trim();
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + folder.resolve(REVISION) + ": " + e, e);
        }
    }

    /** Marks a change for every instance: a new revision. */
    String newRevision() throws IOException {
        String revision = UUID.randomUUID().toString();
        AtomicFiles.replace(folder, REVISION, (revision + "\n").getBytes(StandardCharsets.UTF_8));
        return revision;
    }

    /** Every person stored, by id; a folder without a readable {@code person.json} is skipped. */
    Map<String, Person> readAll() {
        if (!Files.isDirectory(folder)) {
            return Map.of();
        }
        Map<String, Person> people = new HashMap<>();
        try (Stream<Path> folders = Files.list(folder)) {
            for (Path personFolder : folders.filter(Files::isDirectory).toList()) {
                String id = personFolder.getFileName().toString();
                if (isPersonId(id)) {
                    read(personFolder.resolve(PERSON)).ifPresent(person -> people.put(id, person));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the enrolled people in " + folder + ": " + e, e);
        }
        return people;
    }

    private Optional<Person> read(Path file) {
        try {
            return Optional.of(json.readValue(file.toFile(), Person.class));
        } catch (JacksonException e) {
            if (Files.exists(file)) {
                log.warn("Unreadable enrolled person {}: {}", file.getParent().getFileName(), e.getOriginalMessage());
            }
            return Optional.empty();
        }
    }

    void write(Person person) throws IOException {
        AtomicFiles.replace(personFolder(person.id()), PERSON, json.writeValueAsBytes(person));
    }

    /** Stores a photo's crop; returns its SHA-256. */
    String writePhoto(String personId, String photoId, byte[] png) throws IOException {
        Path file = photoFile(personId, photoId);
        AtomicFiles.replace(file.getParent(), file.getFileName().toString(), png);
        return sha256(png);
    }

    /** A photo's stored crop, checked against the SHA-256 recorded when it was stored. */
    byte[] readPhoto(String personId, Person.Photo photo) {
        Path file = photoFile(personId, photo.id());
        try {
            byte[] png = Files.readAllBytes(file);
            if (!sha256(png).equalsIgnoreCase(photo.sha256())) {
                throw new IllegalStateException("The stored crop of photo " + photo.id() + " of person " + personId
                        + " does not match its SHA-256 (changed or damaged after it was stored)");
            }
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the crop of photo " + photo.id() + ": " + e, e);
        }
    }

    void deletePhoto(String personId, String photoId) throws IOException {
        Files.deleteIfExists(photoFile(personId, photoId));
    }

    /** Erases a person: their folder leaves the people at once (one rename), then every file of it is deleted. */
    void erase(String personId) throws IOException {
        Path gone = folder.resolve(ERASED + personId + "-" + UUID.randomUUID());
        Folders.moveAtomically(personFolder(personId), gone);
        Folders.deleteRecursively(gone);
    }

    /**
     * Removes what interrupted changes left: erased folders at once, and, once untouched for {@code staleAfter},
     * temporary files, folders of people never completed, and crops of photos that their person no longer lists.
     */
    void removeLeftovers(Duration staleAfter) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        Instant before = Instant.now().minus(staleAfter);
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(ERASED)) {
                    Folders.deleteRecursively(entry);
                } else if (name.startsWith(AtomicFiles.TEMPORARY_PREFIX) && olderThan(entry, before)) {
                    Folders.deleteRecursively(entry);
                } else if (isPersonId(name)) {
                    removeLeftovers(entry, before);
                }
            }
        }
    }

    private void removeLeftovers(Path personFolder, Instant before) throws IOException {
        Optional<Person> person = read(personFolder.resolve(PERSON));
        if (person.isEmpty()) {
            if (olderThan(personFolder, before)) {
                Folders.deleteRecursively(personFolder);
            }
            return;
        }
        Set<String> kept =
                person.get().photos().stream().map(photo -> photo.id() + PNG).collect(Collectors.toSet());
        Path photos = personFolder.resolve(PHOTOS);
        if (Files.isDirectory(photos)) {
            try (Stream<Path> files = Files.list(photos)) {
                for (Path file : files.toList()) {
                    if (!kept.contains(file.getFileName().toString()) && olderThan(file, before)) {
                        Folders.deleteRecursively(file);
                    }
                }
            }
        }
    }

    private static boolean olderThan(Path path, Instant before) {
        try {
            return Files.getLastModifiedTime(path).toInstant().isBefore(before);
        } catch (IOException e) {
            return false;
        }
    }

    /** Where a photo's crop is stored. */
    Path photoFile(String personId, String photoId) {
        return personFolder(personId).resolve(PHOTOS).resolve(checkedPhotoId(photoId) + PNG);
    }

    private Path personFolder(String personId) {
        if (!isPersonId(personId)) {
            throw new IllegalArgumentException("Not a person id: " + personId);
        }
        return folder.resolve(personId);
    }

    static boolean isPersonId(String id) {
        return TrainedPeople.isPersonId(id);
    }

    static boolean isPhotoId(String id) {
        return PHOTO_ID.matcher(id).matches();
    }

    private static String checkedPhotoId(String photoId) {
        if (!isPhotoId(photoId)) {
            throw new IllegalArgumentException("Not a photo id: " + photoId);
        }
        return photoId;
    }

    /** The lower-case hex SHA-256 of some bytes. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
