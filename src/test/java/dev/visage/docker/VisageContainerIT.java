package dev.visage.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.visage.Multipart;
import dev.visage.SyntheticLfw;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Docker image end to end: built from the project's Dockerfile and target/visage.jar, started as production
 * should start it (read-only root file system with a non-executable tmpfs /tmp, a memory limit, its heap a share
 * of it) with a generated LFW folder as its data volume, it trains a first model on start-up, reports healthy
 * (readiness, on the management port), identifies, holds under parallel large uploads and decompression bombs
 * (only 4xx and 503, memory back under a bound), protects and runs admin training jobs, and serves the same model
 * version again after a restart on the same models volume. A models volume it cannot write stops it at start-up
 * with a message that says so.
 */
@Testcontainers(disabledWithoutDocker = true)
class VisageContainerIT {

    private static final String TOKEN = "container-test-token";
    private static final int PEOPLE = 3;
    private static final long MEMORY_LIMIT = 1L << 30;
    private static final int API = 8080;
    private static final int MANAGEMENT = 8081;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static final ImageFromDockerfile IMAGE = new ImageFromDockerfile("visage-it", false)
            .withDockerfile(Path.of("Dockerfile").toAbsolutePath())
            .withBuildArg("BASE_IMAGE", System.getProperty("visage.docker.base-image", "eclipse-temurin:17-jre"));

    @TempDir
    static Path work;

    @Test
    void trainsServesProtectsAndKeepsItsModelAcrossRestarts() throws Exception {
        Path data = Files.createDirectories(work.resolve("lfw"));
        SyntheticLfw.write(data.resolve("lfw-deepfunneled"), PEOPLE, 20, 7);
        Path models = Files.createDirectories(work.resolve("models"));
        // The container runs as uid 1000 and must be able to write the models volume.
        Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxrwxrwx"));

        String firstVersion;
        try (GenericContainer<?> visage = container(data, models, true)) {
            visage.start();
            String base = "http://" + visage.getHost() + ":" + visage.getMappedPort(API);
            awaitHealthy(visage);

            JsonNode model = json(
                    send(HttpRequest.newBuilder(URI.create(base + "/model")).GET()), 200);
            firstVersion = model.get("version").asString();
            List<String> people =
                    model.get("people").valueStream().map(JsonNode::asString).toList();
            assertThat(people).hasSize(PEOPLE);

            Path photo = data.resolve("lfw-deepfunneled")
                    .resolve(people.get(0))
                    .resolve(SyntheticLfw.fileName(people.get(0), 1));
            JsonNode answer = json(
                    send(Multipart.post(
                            URI.create(base + "/identify"),
                            "image",
                            "face.jpg",
                            "image/jpeg",
                            Files.readAllBytes(photo))),
                    200);
            assertThat(answer.get("modelVersion").asString()).isEqualTo(firstVersion);
            assertThat(people)
                    .contains(answer.get("candidates").get(0).get("person").asString());

            HostileLoad.run(visage, base, Files.readAllBytes(photo), MEMORY_LIMIT);

            HttpResponse<String> anonymous = send(HttpRequest.newBuilder(URI.create(base + "/train"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "application/json"));
            assertThat(anonymous.statusCode()).isEqualTo(401);

            JsonNode job = json(
                    send(HttpRequest.newBuilder(URI.create(base + "/train"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"epochs\": 2}"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + TOKEN)),
                    202);
            JsonNode finished = awaitFinished(base + "/train/" + job.get("id").asString());
            assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("SUCCEEDED");
            String trainedVersion = finished.get("result").get("modelVersion").asString();
            assertThat(trainedVersion).isNotEqualTo(firstVersion);
            assertThat(json(
                                    send(HttpRequest.newBuilder(URI.create(base + "/model"))
                                            .GET()),
                                    200)
                            .get("version")
                            .asString())
                    .isEqualTo(trainedVersion);
            firstVersion = trainedVersion;
        }

        try (GenericContainer<?> restarted = container(data, models, false)) {
            restarted.start();
            String base = "http://" + restarted.getHost() + ":" + restarted.getMappedPort(API);
            assertThat(json(
                                    send(HttpRequest.newBuilder(URI.create(base + "/model"))
                                            .GET()),
                                    200)
                            .get("version")
                            .asString())
                    .isEqualTo(firstVersion);
        }
    }

    @Test
    void stopsAtStartUpWithAClearMessageWhenItCannotWriteItsModels() throws Exception {
        Path data = Files.createDirectories(work.resolve("lfw-unwritable"));
        Path models = Files.createDirectories(work.resolve("models-root-owned"));
        Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (GenericContainer<?> visage = new GenericContainer<>(IMAGE)
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

    private static GenericContainer<?> container(Path data, Path models, boolean trainOnStartup) {
        return new GenericContainer<>(IMAGE)
                .withExposedPorts(API, MANAGEMENT)
                .withCreateContainerCmdModifier(VisageContainerIT::hardened)
                .withFileSystemBind(data.toString(), "/data/lfw", BindMode.READ_ONLY)
                .withFileSystemBind(models.toString(), "/models", BindMode.READ_WRITE)
                .withEnv("VISAGE_ADMIN_TOKEN", TOKEN)
                .withEnv("VISAGE_TRAIN_ON_STARTUP", String.valueOf(trainOnStartup))
                .withEnv("VISAGE_LFW_DOWNLOAD", "false")
                .withEnv("VISAGE_TRAINING_PEOPLE", String.valueOf(PEOPLE))
                .withEnv("VISAGE_TRAINING_EPOCHS", "3")
                .withEnv("VISAGE_TRAINING_BATCH_SIZE", "16")
                .withEnv("VISAGE_TRAINING_LEARNING_RATE", "0.002")
                // Generous for a busy CI machine: a slow upload must not pass for a stalled one here.
                .withEnv("VISAGE_LIMITS_UPLOAD_TIMEOUT", "90s")
                .waitingFor(Wait.forHttp("/actuator/health/readiness")
                        .forPort(MANAGEMENT)
                        .forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(8)));
    }

    private static JsonNode awaitFinished(String jobUrl) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            JsonNode job = json(
                    send(HttpRequest.newBuilder(URI.create(jobUrl)).GET().header("Authorization", "Bearer " + TOKEN)),
                    200);
            String state = job.get("state").asString();
            if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                return job;
            }
            assertThat(System.nanoTime()).as("job still %s: %s", state, job).isLessThan(deadline);
            Thread.sleep(1000);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int expectedStatus) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }
}
