package dev.visage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Damaged versions never load: checksums, the self-test, and clean-up after interrupted writes. */
class ModelIntegrityTest {

    @TempDir
    Path root;

    private ModelStore store;

    @BeforeEach
    void store() {
        store = new ModelStore(root, 10);
    }

    @Test
    void aCandidateKeepsItsProbesAndChecksumsAndPassesItsSelfTestWithoutBecomingCurrent() throws IOException {
        ModelManifest candidate = StoreTestModels.storeCandidate(store);

        Path folder = root.resolve(candidate.version());
        int probes = 3 * StoreTestModels.PEOPLE;
        try (Stream<Path> files = Files.list(folder.resolve("probes"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(probes)
                    .allMatch(n -> n.endsWith(".png"));
        }
        JsonNode index = JsonMapper.builder()
                .build()
                .readTree(folder.resolve("probes.json").toFile());
        assertThat(index.get("probes").size()).isEqualTo(probes);
        assertThat(index.get("probes").get(0).get("source").asString()).endsWith(".jpg");
        assertThat(candidate.sha256())
                .containsKeys("visage-0000.params", "probes.json", "probes/00.png")
                .hasSize(2 + probes);
        assertThat(candidate.sha256().get("visage-0000.params"))
                .isEqualTo(Checksums.sha256(folder.resolve("visage-0000.params")));
        assertThat(store.currentVersion()).isEmpty();

        try (StoredModel loaded = store.load(candidate.version())) {
            assertThat(loaded.manifest()).isEqualTo(candidate);
        }
    }

    @Test
    void randomBytesInsideTheWeightsAreRefusedByTheirChecksum() throws IOException {
        String version = StoreTestModels.storeCandidate(store).version();
        Path weights = StoreTestModels.parameters(store, version);
        byte[] noise = new byte[64];
        new Random(1).nextBytes(noise);
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            file.seek(file.length() / 2);
            file.write(noise);
        }

        assertThatExceptionOfType(ModelRefusedException.class)
                .isThrownBy(() -> store.load(version))
                .satisfies(e -> assertThat(e.problem().properties()).containsEntry("version", version))
                .withMessageContaining("visage-0000.params has SHA-256")
                .withMessageContaining("changed or damaged");
    }

    @Test
    void truncatedWeightsAreRefusedWithAReasonEvenWithoutAChecksum() throws IOException {
        String version = StoreTestModels.storeCandidate(store).version();
        Path weights = StoreTestModels.parameters(store, version);
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }

        assertThatExceptionOfType(ModelRefusedException.class)
                .isThrownBy(() -> store.load(version))
                .withMessageContaining("visage-0000.params has SHA-256");

        forgetChecksum(version, "visage-0000.params");
        assertThatExceptionOfType(ModelRefusedException.class)
                .isThrownBy(() -> store.load(version))
                .satisfies(
                        e -> assertThat(e.reason()).contains("cannot be loaded").doesNotEndWith("null"));
    }

    @Test
    void weightsThatAnswerOtherwiseThanWhenStoredFailTheSelfTest() throws IOException {
        String version = StoreTestModels.storeCandidate(store).version();

        StoreTestModels.rewriteWeights(store, version, StoreTestModels::negateLastLayer);

        assertThatExceptionOfType(ModelRefusedException.class)
                .isThrownBy(() -> store.load(version))
                .satisfies(e ->
                        assertThat(e.reason()).startsWith("self-test: probes/").contains(" was answered "));
    }

    @Test
    void weightsThatGiveNaNFailTheSelfTestEvenWithoutProbes() throws IOException {
        ModelManifest withoutProbes = store.save(
                StoreTestModels.trained().model(),
                StoreTestModels.trained().manifest(Instant.parse("2025-01-01T00:00:00Z"), null),
                StoreTestModels.trained().metrics(),
                StoreTestModels.trained().split());
        assertThat(withoutProbes.sha256()).containsOnlyKeys("visage-0000.params");

        StoreTestModels.rewriteWeights(store, withoutProbes.version(), StoreTestModels::poisonWithNaN);

        assertThatExceptionOfType(ModelRefusedException.class)
                .isThrownBy(() -> store.load(withoutProbes.version()))
                .satisfies(e -> assertThat(e.reason()).startsWith("self-test: the noise image gave non-finite"));
    }

    @Test
    void aChangedProbeIsRefusedByItsChecksum() throws IOException {
        String version = StoreTestModels.storeCandidate(store).version();
        Files.copy(
                root.resolve(version).resolve("probes/01.png"),
                root.resolve(version).resolve("probes/00.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatExceptionOfType(ModelRefusedException.class)
                .isThrownBy(() -> store.load(version))
                .withMessageContaining("probes/00.png has SHA-256");
    }

    @Test
    void aManifestWithoutChecksumsIsRefused() {
        String version = StoreTestModels.storeCandidate(store).version();
        StoreTestModels.editManifest(store, version, node -> node.remove("sha256"));

        assertThatExceptionOfType(ModelRefusedException.class)
                .isThrownBy(() -> store.load(version))
                .withMessageContaining("unreadable model.json")
                .withMessageContaining("sha256");
    }

    @Test
    void leftoversOfInterruptedWritesAreRemovedOnceStale() throws IOException {
        String version = StoreTestModels.storeCandidate(store).version();
        Path staleFolder = Files.createDirectories(root.resolve(".tmp-20250101-000000-000-dead"));
        Files.writeString(staleFolder.resolve("visage-0000.params"), "half");
        Path staleFile = Files.writeString(root.resolve(".tmp-current-dead"), "x");
        for (Path stale : new Path[] {staleFolder, staleFile}) {
            Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        }
        Path fresh = Files.createDirectories(root.resolve(".tmp-being-written"));

        assertThat(store.removeStaleTemporaries(Duration.ofMinutes(1))).isEqualTo(2);

        assertThat(staleFolder).doesNotExist();
        assertThat(staleFile).doesNotExist();
        assertThat(fresh).exists();
        assertThat(store.versions()).containsExactly(version);
    }

    private void forgetChecksum(String version, String file) {
        StoreTestModels.editManifest(store, version, node -> ((ObjectNode) node.get("sha256")).remove(file));
    }
}
