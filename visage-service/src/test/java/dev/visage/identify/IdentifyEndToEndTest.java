package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.Multipart;
import dev.visage.SyntheticLfw;
import dev.visage.serving.TinyModels;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole service on a real port, serving a really trained tiny model from a temporary store, driven over HTTP
 * with real multipart bodies.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visage.train-on-startup=false",
            "visage.lfw.download=false",
            "visage.identify.max-bytes=1MB",
            "visage.identify.min-confidence=0.0",
            "visage.admin.token=identify-end-to-end-test",
            "management.prometheus.metrics.export.enabled=true",
            "management.server.port=0"
        })
class IdentifyEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROBLEM_JSON = "application/problem+json";

    @TempDir
    static Path root;

    private static ModelManifest served;

    @LocalServerPort
    private int port;

    @LocalManagementPort
    private int managementPort;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @DynamicPropertySource
    static void modelStore(DynamicPropertyRegistry registry) {
        registry.add("visage.models.dir", () -> {
            if (served == null) {
                served = TinyModels.storeInto(new ModelStore(root.resolve("models"), 5));
            }
            return root.resolve("models").toString();
        });
        // Relative and climbing out with "..", as in the README's command: binds as a plain path.
        registry.add(
                "visage.lfw.dir",
                () -> Path.of("")
                        .toAbsolutePath()
                        .relativize(root.resolve("no-lfw"))
                        .toString());
    }

    /** The API's port, or the management port for the actuator's paths. */
    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + (path.startsWith("/actuator/") ? managementPort : port) + path);
    }

    private HttpResponse<String> upload(String path, String field, String fileName, String type, byte[] data)
            throws Exception {
        return http.send(
                Multipart.post(uri(path), field, fileName, type, data).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> identify(byte[] image, String type) throws Exception {
        return upload("/identify?detect=false", "image", "face", type, image);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(60))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private static byte[] photoOf(int person, long seed) {
        return TestImages.encode(SyntheticLfw.image(person, new Random(seed)), "jpg");
    }

    @Test
    void identifiesTheSyntheticPersonInAJpeg() throws Exception {
        HttpResponse<String> response = identify(photoOf(2, TinyModels.HELD_OUT_SEED), "image/jpeg");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/json");
        JsonNode answer = json(response);
        assertThat(answer.get("person").asString()).isEqualTo(TinyModels.NAMES.get(2));
        assertThat(answer.get("known").asBoolean()).isTrue();
        assertThat(answer.get("modelVersion").asString()).isEqualTo(served.version());
        assertThat(answer.get("candidates")).hasSize(3);
        assertThat(answer.has("faceCrop")).isFalse();
    }

    @Test
    void returnsTheFaceCropWhenAskedFor() throws Exception {
        HttpResponse<String> response = upload(
                "/identify?top=1&crop=true&detect=false",
                "image",
                "face.png",
                "image/png",
                TestImages.encode(SyntheticLfw.image(0, new Random(9002)), "png"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.get("candidates")).hasSize(1);
        assertThat(answer.get("faceCrop").asString()).startsWith("data:image/png;base64,");
    }

    @Test
    void aCorruptJpegIsABadRequestProblem() throws Exception {
        byte[] photo = photoOf(0, 9003);

        HttpResponse<String> response = identify(Arrays.copyOf(photo, photo.length * 6 / 10), "image/jpeg");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
        assertThat(json(response).get("type").asString()).isEqualTo("https://visage.dev/problems/unreadable-image");
        assertThat(json(response).get("detail").asString()).startsWith("The image is corrupt or truncated");
    }

    @Test
    void aMissingImagePartIsABadRequestProblem() throws Exception {
        HttpResponse<String> response =
                upload("/identify?detect=false", "photo", "face.jpg", "image/jpeg", photoOf(0, 9004));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
        assertThat(json(response).get("type").asString()).isEqualTo("https://visage.dev/problems/missing-image");
    }

    @Test
    void anUploadOverTheLimitIsContentTooLarge() throws Exception {
        byte[] twoMegabytes = new byte[2 * 1024 * 1024];
        new Random(5).nextBytes(twoMegabytes);

        HttpResponse<String> response = identify(twoMegabytes, "image/jpeg");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
        assertThat(json(response).get("status").asInt()).isEqualTo(413);
        assertThat(json(response).get("type").asString()).isEqualTo("https://visage.dev/problems/upload-too-large");
    }

    @Test
    void aDecompressionBombIsContentTooLarge() throws Exception {
        HttpResponse<String> response = identify(TestImages.pngHeaderBomb(30_000, 30_000), "image/png");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
        assertThat(json(response).get("detail").asString()).contains("30000x30000");
    }

    @Test
    void aTiffIsUnsupportedMediaType() throws Exception {
        HttpResponse<String> response = identify(
                TestImages.encode(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "tiff"), "image/tiff");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
        assertThat(contentType(response)).startsWith(PROBLEM_JSON);
        assertThat(json(response).get("type").asString())
                .isEqualTo("https://visage.dev/problems/unsupported-image-type");
    }

    @Test
    void isReadyWithTheModelsVersion() throws Exception {
        HttpResponse<String> response = get("/actuator/health/readiness");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode health = json(response);
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/model/status").asString()).isEqualTo("UP");
        assertThat(health.at("/components/model/details/version").asString()).isEqualTo(served.version());
        assertThat(health.at("/components/model/details/people").asInt()).isEqualTo(TinyModels.PEOPLE);
    }

    @Test
    void describesTheModel() throws Exception {
        HttpResponse<String> response = get("/model");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode model = json(response);
        assertThat(model.get("version").asString()).isEqualTo(served.version());
        assertThat(model.get("people")).extracting(JsonNode::asString).containsExactlyElementsOf(TinyModels.NAMES);
        assertThat(model.at("/inputShape/2").asInt()).isEqualTo(TinyModels.IMAGE_SIZE);
        assertThat(model.at("/metrics/testAccuracy").isNumber()).isTrue();
    }

    @Test
    void exportsTheIdentifyTimerToPrometheus() throws Exception {
        assertThat(identify(photoOf(1, 9005), "image/jpeg").statusCode()).isEqualTo(200);

        HttpResponse<String> response = get("/actuator/prometheus");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("visage_identify_seconds_count{")
                .contains("outcome=\"identified\"")
                .contains("visage_identify_seconds_bucket{");
    }

    @Test
    void documentsIdentifyInOpenApi() throws Exception {
        HttpResponse<String> response = get("/v3/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode api = json(response);
        assertThat(api.at("/paths").has("/identify")).isTrue();
        assertThat(api.at("/paths/~1identify/post/requestBody/content").has("multipart/form-data"))
                .isTrue();
        assertThat(response.body()).contains("/identify").contains("multipart/form-data");
        // Every error answer is documented as a problem, as it is rendered.
        assertThat(api.at("/paths/~1identify/post/responses/415/content").propertyNames())
                .containsExactly("application/problem+json");
        assertThat(api.at("/paths/~1train/post/responses/409/content").propertyNames())
                .containsExactly("application/problem+json");
    }

    @Test
    void titlesTheOpenApiDocumentWithTheBuildsVersion() throws Exception {
        JsonNode info = json(get("/v3/api-docs")).path("info");

        assertThat(info.path("title").asString()).isEqualTo("Visage");
        // The project's version, which Maven writes into application.properties.
        assertThat(info.path("version").asString()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(info.path("description").asString()).contains("Labeled Faces in the Wild");
    }

    @Test
    void documentsTheAdminTokenOnTheTrainingEndpointsOnly() throws Exception {
        JsonNode api = json(get("/v3/api-docs"));

        assertThat(api.at("/components/securitySchemes/adminToken/scheme").asString())
                .isEqualTo("bearer");
        for (String operation : List.of(
                "/paths/~1train/post",
                "/paths/~1train/get",
                "/paths/~1train~1{id}/get",
                "/paths/~1train~1{id}/delete")) {
            assertThat(api.at(operation + "/security/0").has("adminToken"))
                    .as(operation)
                    .isTrue();
        }
        assertThat(api.at("/paths/~1identify/post").has("security")).isFalse();
        assertThat(api.at("/paths/~1model/get").has("security")).isFalse();
    }
}
