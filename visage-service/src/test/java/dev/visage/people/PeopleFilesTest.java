package dev.visage.people;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.visage.identify.Identification;
import dev.visage.store.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The people folder on disk: what a kill at any step leaves, and damaged crops. */
class PeopleFilesTest {

    private static final Duration STALE = Duration.ofMinutes(1);

    @TempDir
    Path root;

    @Test
    void removesWhatInterruptedChangesLeftAndKeepsTheRest() throws Exception {
        PeopleFiles files = new PeopleFiles(new ModelStore(root, 5));
        Person person = stored(files, "Ada", 1);
        String keptPhoto = person.photos().get(0).id();
        Path folder = files.folder();
        // Killed during an erasure: the renamed folder is removed at the next sweep, whatever its age.
        Path erased = Files.createDirectories(
                folder.resolve(".tmp-erased-" + UUID.randomUUID()).resolve("photos"));
        Files.write(erased.resolve("face.png"), new byte[] {1});
        // Killed between a crop and its person.json, or between a person.json and the crop's deletion.
        Path orphan = folder.resolve(person.id()).resolve("photos").resolve("f".repeat(64) + ".png");
        Files.write(orphan, new byte[] {2});
        // Killed between a person's folder and their person.json; a temporary file of a write.
        Path unfinished =
                Files.createDirectories(folder.resolve(UUID.randomUUID().toString()));
        Path temporary = folder.resolve(".tmp-revision-" + UUID.randomUUID());
        Files.write(temporary, new byte[] {3});
        // A crop being written right now: young, so left alone.
        Path young = folder.resolve(person.id()).resolve("photos").resolve("e".repeat(64) + ".png");
        Files.write(young, new byte[] {4});
        for (Path old : List.of(orphan, unfinished, temporary)) {
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        }

        files.removeLeftovers(STALE);

        assertThat(erased.getParent()).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(unfinished).doesNotExist();
        assertThat(temporary).doesNotExist();
        assertThat(young).exists();
        assertThat(folder.resolve(person.id()).resolve("photos").resolve(keptPhoto + ".png"))
                .exists();
        assertThat(files.readAll()).containsOnlyKeys(person.id());
    }

    @Test
    void aDamagedCropIsNotRead() throws Exception {
        PeopleFiles files = new PeopleFiles(new ModelStore(root, 5));
        Person person = stored(files, "Grace", 1);
        Person.Photo photo = person.photos().get(0);
        assertThat(files.readPhoto(person.id(), photo)).containsExactly(1, 2, 3);
        Files.write(files.folder().resolve(person.id()).resolve("photos").resolve(photo.id() + ".png"), new byte[] {9});
        assertThatThrownBy(() -> files.readPhoto(person.id(), photo)).hasMessageContaining("SHA-256");
    }

    @Test
    void anErasedPersonLeavesNoFile() throws Exception {
        PeopleFiles files = new PeopleFiles(new ModelStore(root, 5));
        Person person = stored(files, "Alan", 3);
        files.erase(person.id());
        assertThat(files.folder())
                .isDirectoryNotContaining(path -> !path.getFileName().toString().equals("revision"));
        assertThat(files.readAll()).isEmpty();
    }

    private static Person stored(PeopleFiles files, String name, int photos) throws Exception {
        Person person = new Person(UUID.randomUUID().toString(), name, Instant.now(), List.of());
        for (int i = 0; i < photos; i++) {
            String id = PeopleFiles.sha256((name + i).getBytes());
            String sha = files.writePhoto(person.id(), id, new byte[] {1, 2, 3});
            person = person.with(new Person.Photo(id, new Identification.Box(0, 0, 10, 10), Instant.now(), sha));
        }
        files.write(person);
        files.newRevision();
        return person;
    }
}
