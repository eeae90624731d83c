package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.serving.TinyModels;
import dev.visage.store.ModelStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service warms itself up before it reports ready: readiness is out of service while the warm-up runs, and by
 * the time it is up the service has answered its own identifications over HTTP.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visage.train-on-startup=false",
            "visage.lfw.download=false",
            "visage.identify.warm-up=12s",
            "management.server.port=0"
        })
class WarmUpTest {

    @TempDir
    static Path root;

    @LocalManagementPort
    private int managementPort;

    @Autowired
    private MeterRegistry meters;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @DynamicPropertySource
    static void modelStore(DynamicPropertyRegistry registry) {
        registry.add("visage.models.dir", () -> {
            Path models = root.resolve("models");
            if (!models.toFile().exists()) {
                TinyModels.storeInto(new ModelStore(models, 5));
            }
            return models.toString();
        });
        registry.add("visage.lfw.dir", () -> root.resolve("no-lfw").toString());
    }

    @Test
    void readinessWaitsForTheWarmUpWhoseRequestsTheServiceHasAnsweredByThen() throws Exception {
        HttpResponse<String> first = readiness();
        assertThat(first.statusCode()).as(first.body()).isEqualTo(503);
        JsonNode warming = JsonMapper.builder().build().readTree(first.body());
        assertThat(warming.at("/components/warmUp/status").asString()).isEqualTo("OUT_OF_SERVICE");
        assertThat(warming.at("/components/model/status").asString()).isEqualTo("UP");

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> ready = readiness();
        while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            ready = readiness();
        }

        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        double answered = meters.find("visage.identify").timers().stream()
                .mapToDouble(timer -> timer.count())
                .sum();
        assertThat(answered).as("identifications answered during the warm-up").isGreaterThan(10);
        assertThat(meters.find("visage.identify").tag("outcome", "unavailable").timers())
                .allSatisfy(timer -> assertThat(timer.count()).isZero());
    }

    private HttpResponse<String> readiness() throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
