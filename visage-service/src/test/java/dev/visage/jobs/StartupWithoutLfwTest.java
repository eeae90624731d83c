package dev.visage.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.Polling;
import dev.visage.SyntheticLfw;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A first start with an empty LFW folder and no network (the download address refuses connections): the start-up
 * training fails, and {@code GET /model} says why and what to do, until LFW is there and a training succeeds.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visage.train-on-startup=true",
            "visage.lfw.download-url=" + StartupWithoutLfwTest.UNREACHABLE,
            "visage.admin.token=" + StartupWithoutLfwTest.TOKEN,
            "visage.training.people=3",
            "visage.training.epochs=2",
            "visage.training.batch-size=16",
            "visage.training.warmup-epochs=0",
            "visage.network.channels=16,16",
            "visage.network.hidden-units=32"
        })
class StartupWithoutLfwTest {

    /** Port 9 (discard) on loopback: nothing listens there, so connecting is refused at once. */
    static final String UNREACHABLE = "http://127.0.0.1:9/lfw-deepfunneled.tgz";

    static final String TOKEN = "startup-without-lfw-test";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path root;

    @LocalServerPort
    private int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void folders(DynamicPropertyRegistry registry) {
        registry.add("visage.lfw.dir", () -> folder("lfw").toString());
        registry.add("visage.models.dir", () -> root.resolve("models").toString());
    }

    private static Path folder(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void modelSaysWhyTheStartUpTrainingFailedUntilATrainingSucceeds() throws Exception {
        Polling.await(
                "the start-up training's failure in GET /model",
                this::model,
                model -> model.path("detail").asString().contains("failed"),
                Duration.ofMillis(200),
                Duration.ofSeconds(60));

        JsonNode problem = model();
        assertThat(problem.path("status").asInt()).isEqualTo(503);
        assertThat(problem.path("type").asString()).endsWith("/no-model");
        assertThat(problem.path("detail").asString())
                .contains("Cannot connect to " + UNREACHABLE)
                .contains("no network, or a wrong address")
                .contains(root.resolve("lfw").toAbsolutePath().toString())
                .contains("VISAGE_LFW_DIR")
                .contains("visage.lfw.download-url")
                .contains("POST /train");

        // The operator puts LFW in place and trains: the model serves, and the message is gone.
        SyntheticLfw.write(root.resolve("lfw"), 3, 20, 42);
        HttpResponse<String> accepted = http.send(
                HttpRequest.newBuilder(uri("/train"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"promote\": \"force\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Polling.await(
                "a model in service",
                this::model,
                model -> model.has("version"),
                Duration.ofMillis(500),
                Duration.ofMinutes(3));
    }

    private JsonNode model() {
        try {
            return JSON.readTree(
                    http.send(HttpRequest.newBuilder(uri("/model")).build(), HttpResponse.BodyHandlers.ofString())
                            .body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
