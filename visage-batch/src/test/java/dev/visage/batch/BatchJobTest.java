package dev.visage.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.visage.serving.TinyModels;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job in local mode on a folder of generated photos (LFW faces pasted into 640x480 photos, photos with no face,
 * a corrupt JPEG and a text file), against the service's own {@code POST /identify} on the same files and model:
 * the same faces, boxes, people, known flags and confidences; and the refusals before any work.
 */
class BatchJobTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path work;

    private static Path models;
    private static ModelManifest stored;
    private static Path photos;
    private static final Map<String, byte[]> FILES = new LinkedHashMap<>();

    @BeforeAll
    static void archive() throws IOException {
        assumeTrue(Files.isDirectory(ArchivePhotos.lfw()), "LFW is not at " + ArchivePhotos.lfw());
        System.setProperty("spark.ui.enabled", "false");
        models = work.resolve("models");
        stored = TinyModels.storeInto(new ModelStore(models, 5));
        List<Path> faces = ArchivePhotos.lfwFaces(6);
        for (int i = 0; i < faces.size(); i++) {
            FILES.put(
                    (i % 2 == 0 ? "" : "more/") + "face-" + i + ".jpg",
                    ArchivePhotos.withFace(faces.get(i), 180 + 10 * i, i));
        }
        FILES.put("landscape.jpg", ArchivePhotos.withoutFace(7));
        FILES.put("more/corrupt.jpg", Arrays.copyOf(ArchivePhotos.withoutFace(8), 300));
        FILES.put("notes.txt", "not a photo".getBytes());
        photos = work.resolve("photos");
        for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
            Files.createDirectories(photos.resolve(file.getKey()).getParent());
            Files.write(photos.resolve(file.getKey()), file.getValue());
        }
    }

    private static long run(String output, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--models",
                models.toString(),
                "--input",
                photos.toString(),
                "--output",
                output,
                "--master",
                "local[2]"));
        args.addAll(List.of(more));
        return new BatchJob(BatchOptions.parse(args.toArray(String[]::new))).run();
    }

    /** The JSON Lines rows, by file name relative to the photo folder, in the order the job wrote them. */
    static Map<String, List<JsonNode>> rows(Path output) throws IOException {
        Map<String, List<JsonNode>> rows = new LinkedHashMap<>();
        try (Stream<Path> parts = Files.list(output)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .sorted()
                    .toList()) {
                for (String line : Files.readAllLines(part)) {
                    JsonNode row = JSON.readTree(line);
                    String file = row.get("file").asString();
                    String relative = file.substring(file.indexOf("/photos/") + "/photos/".length());
                    rows.computeIfAbsent(relative, key -> new ArrayList<>()).add(row);
                }
            }
        }
        return rows;
    }

    @Test
    void answersEveryFileAsTheServicesIdentifyDoes() throws Exception {
        Path output = work.resolve("rows-jsonl");
        assertThat(run(output.toString(), "--format", "jsonl")).isEqualTo(FILES.size());
        Map<String, List<JsonNode>> rows = rows(output);
        assertThat(rows).containsOnlyKeys(FILES.keySet());
        assertThat(only(rows.get("landscape.jpg")).get("reason").asString()).isEqualTo(FaceRows.NO_FACE);
        assertThat(only(rows.get("more/corrupt.jpg")).get("reason").asString()).isEqualTo(FaceRows.NOT_AN_IMAGE);
        assertThat(only(rows.get("notes.txt")).get("reason").asString()).isEqualTo(FaceRows.NOT_AN_IMAGE);
        long photosWithFaces =
                rows.values().stream().filter(list -> list.get(0).has("box")).count();
        assertThat(photosWithFaces).as("photos whose pasted face was found").isGreaterThanOrEqualTo(4);
        rows.values().stream()
                .flatMap(List::stream)
                .forEach(row -> assertThat(row.get("modelVersion").asString()).isEqualTo(stored.version()));

        try (ServiceProcess service = ServiceProcess.start(models, work.resolve("service.log"))) {
            for (Map.Entry<String, byte[]> file : FILES.entrySet()) {
                JsonNode answer = service.identify(file.getKey(), file.getValue());
                assertSameAnswer(file.getKey(), answer, rows.get(file.getKey()));
            }
        }
    }

    private static JsonNode only(List<JsonNode> rows) {
        assertThat(rows).hasSize(1);
        return rows.get(0);
    }

    private static void assertSameAnswer(String file, JsonNode answer, List<JsonNode> rows) {
        if (answer.has("status")) {
            assertThat(answer.get("type").asString()).as(file).containsAnyOf("unreadable-image", "unsupported-image");
            assertThat(only(rows).get("reason").asString()).as(file).isEqualTo(FaceRows.NOT_AN_IMAGE);
            return;
        }
        JsonNode faces = answer.get("faces");
        if (faces.isEmpty()) {
            assertThat(only(rows).get("reason").asString()).as(file).isEqualTo(FaceRows.NO_FACE);
            return;
        }
        assertThat(rows).as(file).hasSize(faces.size());
        for (int i = 0; i < faces.size(); i++) {
            JsonNode face = faces.get(i);
            JsonNode row = rows.get(i);
            assertThat(row.get("box")).as(file).isEqualTo(face.get("box"));
            assertThat(row.get("reason")).as(file).isEqualTo(face.get("reason"));
            if (face.has("person")) {
                assertThat(row.get("person").asString())
                        .as(file)
                        .isEqualTo(face.get("person").asString());
                assertThat(row.get("known").asBoolean())
                        .as(file)
                        .isEqualTo(face.get("known").asBoolean());
                assertThat(row.get("confidence").asDouble())
                        .as(file)
                        .isCloseTo(face.get("confidence").asDouble(), within(1e-4));
            }
        }
    }

    @Test
    void writesParquetByDefault() throws IOException {
        Path output = work.resolve("rows-parquet");
        run(output.toString());
        try (Stream<Path> parts = Files.list(output)) {
            assertThat(parts.map(p -> p.getFileName().toString())).anyMatch(name -> name.endsWith(".parquet"));
        }
    }

    @Test
    void refusesAMissingVersionAnUnreadableStoreOrADamagedModelBeforeAnyWork() throws IOException {
        String output = work.resolve("never").toString();
        assertThatThrownBy(() -> run(output, "--model", "20990101-000000"))
                .isInstanceOf(BatchJob.JobRefusedException.class)
                .hasMessageContaining("20990101-000000");
        Path missing = work.resolve("no-store");
        assertThatThrownBy(() -> new BatchJob(BatchOptions.parse(
                                "--models", missing.toString(), "--input", photos.toString(), "--output", output))
                        .run())
                .isInstanceOf(BatchJob.JobRefusedException.class)
                .hasMessageContaining("Cannot read the model store");
        Path damaged = work.resolve("damaged");
        ModelManifest copy = TinyModels.storeInto(new ModelStore(damaged, 5));
        Path weights = damaged.resolve(copy.version()).resolve(ModelStore.MODEL_NAME + "-0000.params");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(weights, bytes);
        assertThatThrownBy(() -> new BatchJob(BatchOptions.parse(
                                "--models", damaged.toString(), "--input", photos.toString(), "--output", output))
                        .run())
                .isInstanceOf(BatchJob.JobRefusedException.class)
                .hasMessageContaining(copy.version());
        assertThat(Files.exists(Path.of(output))).isFalse();
    }

    @Test
    void refusesAnExistingOutput() {
        assertThatThrownBy(() -> run(photos.toString()))
                .isInstanceOf(BatchJob.JobRefusedException.class)
                .hasMessageContaining("exists already");
    }
}
