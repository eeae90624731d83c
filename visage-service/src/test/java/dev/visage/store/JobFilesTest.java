package dev.visage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobFilesTest {

    record Job(String id, String state, Instant at) {}

    @TempDir
    Path root;

    @Test
    void anotherInstanceOnTheSameStoreReadsWhatOneWrote() {
        JobFiles mine = new JobFiles(new ModelStore(root, 3), 5);
        JobFiles theirs = new JobFiles(new ModelStore(root, 3), 5);
        Job job = new Job(UUID.randomUUID().toString(), "RUNNING", Instant.parse("2026-01-02T03:04:05.678Z"));

        mine.write(job.id(), job);
        assertThat(theirs.read(job.id(), Job.class)).contains(job);
        Job done = new Job(job.id(), "SUCCEEDED", job.at());
        mine.write(job.id(), done);

        assertThat(theirs.read(job.id(), Job.class)).contains(done);
        assertThat(theirs.newest(Job.class)).containsExactly(done);
        assertThat(root.resolve("jobs")).isDirectoryNotContaining("glob:**.tmp-*");
    }

    @Test
    void theJobsFolderIsNoModelVersion() {
        ModelStore store = new ModelStore(root, 3);
        new JobFiles(store, 5).write(UUID.randomUUID().toString(), new Job("a", "RUNNING", Instant.EPOCH));

        assertThat(root.resolve("jobs")).isDirectory();
        assertThat(store.versions()).isEmpty();
    }

    @Test
    void keepsTheNewestAndDropsTheRest() throws Exception {
        JobFiles files = new JobFiles(new ModelStore(root, 3), 3);
        String[] ids = IntStream.range(0, 5)
                .mapToObj(i -> UUID.randomUUID().toString())
                .toArray(String[]::new);
        for (int i = 0; i < ids.length; i++) {
            files.write(ids[i], new Job(ids[i], "SUCCEEDED", Instant.EPOCH));
            // Modification times a second apart, whatever the file system's resolution.
            Files.setLastModifiedTime(root.resolve("jobs").resolve(ids[i] + ".json"), FileTime.fromMillis(i * 1000L));
        }
        files.write(ids[4], new Job(ids[4], "SUCCEEDED", Instant.EPOCH));

        assertThat(files.newest(Job.class)).extracting(Job::id).containsExactly(ids[4], ids[3], ids[2]);
        assertThat(files.read(ids[0], Job.class)).isEmpty();
    }

    @Test
    void aCancellationAskedOnOneInstanceIsSeenOnTheOther() {
        String id = UUID.randomUUID().toString();
        JobFiles mine = new JobFiles(new ModelStore(root, 3), 5);
        assertThat(mine.isCancelRequested(id)).isFalse();

        new JobFiles(new ModelStore(root, 3), 5).requestCancel(id);

        assertThat(mine.isCancelRequested(id)).isTrue();
    }

    @Test
    void namesOnlyJobIdsNeverOtherFiles() throws Exception {
        JobFiles files = new JobFiles(new ModelStore(root, 3), 5);
        Files.writeString(root.resolve("current"), "20250101-000000-000\n");

        assertThat(files.read("../current", Job.class)).isEmpty();
        assertThat(files.isCancelRequested("../current")).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> files.write("../current", new Job("x", "y", null)));
    }
}
