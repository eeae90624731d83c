package dev.visage.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.visage.IdentifyingClients;
import dev.visage.Multipart;
import dev.visage.Polling;
import dev.visage.SyntheticLfw;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Docker image end to end, as two replicas on one shared models volume: built from the project's Dockerfile
 * and visage-service/target/visage.jar and started together on an empty store, one trains the first model and the other waits
 * for it; both identify with it; the admin endpoints need the token; one training job runs at a time across both;
 * a candidate promoted on one, and a roll-back on the other, are followed by both within seconds under load with
 * no failed request. Then a third container starts on the same volume after the current version's weights were
 * cut short: it serves the previous version instead and says why. One training run of a few epochs in all.
 * Every container starts as production should start it: read-only root file system with a non-executable
 * tmpfs /tmp, a memory limit (its heap a share of it), health on the management port; one replica also holds under
 * parallel large uploads and decompression bombs (only 4xx and 503, memory back under a bound). A models volume
 * the image cannot write stops it at start-up with a message that says so.
 */
@ExtendWith(BaseImages.class)
class VisageContainerIT {

    private static final Logger log = LoggerFactory.getLogger(VisageContainerIT.class);
    static final String TOKEN = "container-test-token";
    static final int PEOPLE = 3;
    private static final long MEMORY_LIMIT = 1L << 30;
    private static final int API = 8080;
    private static final int MANAGEMENT = 8081;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private static ImageFromDockerfile image;

    @TempDir
    static Path work;

    @BeforeAll
    static void buildOnBaseImages() {
        BaseImages.Names bases = BaseImages.resolve();
        image = new ImageFromDockerfile("visage-lifecycle-it", false)
                .withDockerfile(Path.of("Dockerfile").toAbsolutePath())
                .withBuildArg("JDK_IMAGE", bases.jdk())
                .withBuildArg("BASE_IMAGE", bases.base());
    }

    @Test
    void twoReplicasShareOneStoreAndFollowItWithoutAFailedRequest() throws Exception {
        Path data = Files.createDirectories(work.resolve("lfw"));
        SyntheticLfw.write(data.resolve("lfw-deepfunneled"), PEOPLE, 20, 7);
        Path models = Files.createDirectories(work.resolve("models"));
        // The containers run as uid 1000 and must be able to write the models volume.
        Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path photo = data.resolve("lfw-deepfunneled")
                .resolve(SyntheticLfw.names(PEOPLE).get(0))
                .resolve(SyntheticLfw.fileName(SyntheticLfw.names(PEOPLE).get(0), 1));

        GenericContainer<?> a = container(data, models);
        GenericContainer<?> b = container(data, models);
        try {
            // Both at once, on the empty store: each is ready only once a model serves.
            CompletableFuture.allOf(CompletableFuture.runAsync(a::start), CompletableFuture.runAsync(b::start))
                    .get();
            String ua = base(a);
            String ub = base(b);
            awaitHealthy(a);

            String first = servedVersion(ua);
            assertThat(servedVersion(ub)).isEqualTo(first);
            // One job trained the first model, and both replicas list it (jobs are in the shared store).
            assertThat(get(ua, "/train").findValuesAsString("id"))
                    .hasSize(1)
                    .isEqualTo(get(ub, "/train").findValuesAsString("id"));
            assertThat(json(identify(ub, photo), 200).get("modelVersion").asString())
                    .isEqualTo(first);
            assertThat(send(HttpRequest.newBuilder(URI.create(ua + "/models")).GET())
                            .statusCode())
                    .isEqualTo(401);
            assertThat(send(HttpRequest.newBuilder(URI.create(ub + "/train"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .header("Content-Type", "application/json"))
                            .statusCode())
                    .isEqualTo(401);
            HostileLoad.run(a, ua, Files.readAllBytes(photo), MEMORY_LIMIT);

            String candidate = trainCandidateWhileTheOtherRefuses(ua, ub);
            swapUnderLoad(ua, ub, photo, first, candidate);
            fallBackWhenTheCurrentWeightsAreCut(data, models, candidate, first);
        } finally {
            a.stop();
            b.stop();
        }
    }

    /** A job on a, kept as a candidate; meanwhile b refuses a second job. */
    private static String trainCandidateWhileTheOtherRefuses(String ua, String ub) throws Exception {
        JsonNode job = json(post(ua, "/train", "{\"epochs\": 1, \"promote\": \"never\"}"), 202);
        JsonNode refused = json(post(ub, "/train", "{\"epochs\": 1}"), 409);
        assertThat(refused.get("type").asString()).endsWith("/training-elsewhere");
        assertThat(refused.get("jobId").asString()).isEqualTo(job.get("id").asString());

        String path = "/train/" + job.get("id").asString();
        JsonNode[] last = {job};
        await(
                "the candidate job",
                () -> last[0] = get(ua, path),
                j -> !List.of("QUEUED", "RUNNING").contains(j.get("state").asString()),
                Duration.ofMinutes(5));
        assertThat(last[0].get("state").asString()).as(last[0].toString()).isEqualTo("SUCCEEDED");
        assertThat(last[0].get("result").get("promoted").asBoolean()).isFalse();
        return last[0].get("result").get("modelVersion").asString();
    }

    /** Promotes the candidate on a and rolls back on b while clients identify on both. */
    private static void swapUnderLoad(String ua, String ub, Path photo, String first, String candidate)
            throws Exception {
        IdentifyingClients load =
                IdentifyingClients.start(Map.of("a", () -> identify(ua, photo), "b", () -> identify(ub, photo)), 2);
        try {
            json(post(ua, "/models/" + candidate + "/promote", ""), 200);
            Duration promoted = await(
                    "b serves the promoted version",
                    () -> servedVersion(ub),
                    candidate::equals,
                    Duration.ofSeconds(10));
            json(post(ub, "/models/rollback", ""), 200);
            Duration rolledBack = await(
                    "a serves the version rolled back to",
                    () -> servedVersion(ua),
                    first::equals,
                    Duration.ofSeconds(10));
            log.info(
                    "The other replica followed in {} ms (promotion) and {} ms (roll-back)",
                    promoted.toMillis(),
                    rolledBack.toMillis());
        } finally {
            load.close();
        }
        load.assertNoneFailed();
    }

    /** Makes the candidate current, cuts its weights short, and starts a third replica: it serves the first. */
    private static void fallBackWhenTheCurrentWeightsAreCut(Path data, Path models, String candidate, String first)
            throws Exception {
        Files.writeString(models.resolve("current"), candidate + "\n");
        try (RandomAccessFile weights = new RandomAccessFile(
                models.resolve(candidate).resolve("visage-0000.params").toFile(), "rw")) {
            weights.setLength(weights.length() / 2);
        }
        try (GenericContainer<?> c = container(data, models)) {
            c.start();
            String uc = base(c);
            assertThat(servedVersion(uc)).isEqualTo(first);
            JsonNode health = json(
                    send(HttpRequest.newBuilder(URI.create("http://" + c.getHost() + ":" + c.getMappedPort(MANAGEMENT)
                                    + "/actuator/health/readiness"))
                            .GET()),
                    200);
            assertThat(health.at("/components/model/details/current").asString())
                    .isEqualTo(candidate);
            assertThat(health.at("/components/model/details/refused/" + candidate)
                            .asString())
                    .contains("visage-0000.params has SHA-256");
            assertThat(c.getLogs()).contains("IN PLACE OF the current model " + candidate);
        }
    }

    @Test
    void stopsAtStartUpWithAClearMessageWhenItCannotWriteItsModels() throws Exception {
        Path data = Files.createDirectories(work.resolve("lfw-unwritable"));
        Path models = Files.createDirectories(work.resolve("models-root-owned"));
        Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (GenericContainer<?> visage = new GenericContainer<>(image)
                .withFileSystemBind(data.toString(), "/data/lfw", BindMode.READ_ONLY)
                .withFileSystemBind(models.toString(), "/models", BindMode.READ_WRITE)
                .withEnv("VISAGE_LFW_DOWNLOAD", "false")
                .withCreateContainerCmdModifier(VisageContainerIT::hardened)
                .withStartupCheckStrategy(new ExitedStartupCheckStrategy(Duration.ofMinutes(3)))) {
            visage.start();
            long exitCode = visage.getCurrentContainerInfo().getState().getExitCodeLong();
            assertThat(exitCode).isNotZero();
            assertThat(visage.getLogs())
                    .contains("APPLICATION FAILED TO START")
                    .contains("The model store /models is not writable by this process (user visage)");
        }
    }

    /** Read-only root file system, /tmp as a small non-executable tmpfs, and a memory limit without swap. */
    private static void hardened(CreateContainerCmd command) {
        command.getHostConfig()
                .withReadonlyRootfs(true)
                .withTmpFs(Map.of("/tmp", "rw,noexec,nosuid,size=64m"))
                .withMemory(MEMORY_LIMIT)
                .withMemorySwap(MEMORY_LIMIT);
    }

    /** Docker's health check (readiness on the management port) turns healthy once the model serves. */
    private static void awaitHealthy(GenericContainer<?> visage) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            InspectContainerResponse.ContainerState state = visage.getDockerClient()
                    .inspectContainerCmd(visage.getContainerId())
                    .exec()
                    .getState();
            status = state.getHealth() == null ? "none" : state.getHealth().getStatus();
            if (status.equals("healthy")) {
                return;
            }
            Thread.sleep(1000);
        }
        assertThat(status).as("Docker health status").isEqualTo("healthy");
    }

    private static GenericContainer<?> container(Path data, Path models) {
        return replica(new GenericContainer<>(image), data, models)
                .withExposedPorts(API, MANAGEMENT)
                .withEnv("VISAGE_MODELS_POLL_INTERVAL", "500ms")
                .withEnv("VISAGE_MODELS_LOCK_STALE_AFTER", "20s")
                .waitingFor(Wait.forHttp("/actuator/health/readiness")
                        .forPort(MANAGEMENT)
                        .forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(8)));
    }

    /** A replica started as production starts it, on the synthetic LFW folder and a models folder, with the token. */
    static GenericContainer<?> replica(GenericContainer<?> container, Path data, Path models) {
        return container
                .withCreateContainerCmdModifier(VisageContainerIT::hardened)
                .withFileSystemBind(data.toString(), "/data/lfw", BindMode.READ_ONLY)
                .withFileSystemBind(models.toString(), "/models", BindMode.READ_WRITE)
                .withEnv("VISAGE_ADMIN_TOKEN", TOKEN)
                .withEnv("VISAGE_LFW_DOWNLOAD", "false")
                .withEnv("VISAGE_TRAINING_PEOPLE", String.valueOf(PEOPLE))
                .withEnv("VISAGE_TRAINING_EPOCHS", "3")
                .withEnv("VISAGE_TRAINING_BATCH_SIZE", "16")
                .withEnv("VISAGE_TRAINING_LEARNING_RATE", "0.002")
                // The synthetic faces are not found by the detector: train on their centred crops.
                .withEnv("VISAGE_TRAINING_DETECT_FACES", "false")
                // Generous for a busy CI machine: a slow upload must not pass for a stalled one here.
                .withEnv("VISAGE_LIMITS_UPLOAD_TIMEOUT", "90s");
    }

    private static String base(GenericContainer<?> container) {
        return "http://" + container.getHost() + ":" + container.getMappedPort(API);
    }

    private static String servedVersion(String base) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(base + "/model")).GET());
        return response.statusCode() == 200
                ? JSON.readTree(response.body()).get("version").asString()
                : null;
    }

    static JsonNode get(String base, String path) {
        return json(
                send(HttpRequest.newBuilder(URI.create(base + path)).GET().header("Authorization", "Bearer " + TOKEN)),
                200);
    }

    static HttpResponse<String> post(String base, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TOKEN));
    }

    private static HttpResponse<String> identify(String base, Path photo) throws IOException {
        return send(Multipart.post(
                URI.create(base + "/identify?detect=false"),
                "image",
                "face.jpg",
                "image/jpeg",
                Files.readAllBytes(photo)));
    }

    private static <T> Duration await(
            String what, Supplier<T> probe, java.util.function.Predicate<T> until, Duration limit)
            throws InterruptedException {
        return Polling.await(what, probe, until, Duration.ofMillis(100), limit);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response, int expectedStatus) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }
}
