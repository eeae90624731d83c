package dev.visage.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.HttpProbe;
import dev.visage.Multipart;
import dev.visage.SyntheticLfw;
import dev.visage.SyntheticService;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The service under hostile clients, over real sockets: stalled uploads do not starve other clients or the probes;
 * a stall ends in a 408 problem and one log line; every malformed request gets a problem that names its cause.
 */
@SyntheticService
@ExtendWith(OutputCaptureExtension.class)
class HostileClientsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROBLEM = "application/problem+json";

    @LocalServerPort
    private int port;

    @LocalManagementPort
    private int managementPort;

    private ServiceClient client;

    @BeforeEach
    void awaitTheFirstModel() throws Exception {
        client = new ServiceClient(port, managementPort);
        client.awaitTheFirstModel();
    }

    @Test
    void stalledUploadsStarveNeitherOtherClientsNorTheProbes() throws Exception {
        byte[] photo = photo();
        client.identify(photo); // warm
        // More stalled uploads than Tomcat has request threads (200).
        List<Socket> stalled = client.stalledUploads(220);
        try {
            client.identifiesWithinASecond(photo, "during the stall");

            long start = System.nanoTime();
            HttpResponse<String> liveness = client.get(managementPort, "/actuator/health/liveness");
            assertThat(liveness.statusCode()).isEqualTo(200);
            assertThat(liveness.body()).contains("UP");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
        } finally {
            ServiceClient.close(stalled);
        }
    }

    @Test
    void uploadsStalledPastTheTimeoutGet408sWithoutHoldingTheRequestThreads() throws Exception {
        byte[] photo = photo();
        client.identify(photo); // warm
        // More than Tomcat's 200 request threads, all timing out at once: answering them must not hold threads.
        List<Socket> stalled = client.stalledUploads(220);
        try {
            assertThat(HttpProbe.read(stalled.get(0)).status()).isEqualTo(408);
            client.identifiesWithinASecond(photo, "as the stalled uploads time out");
            assertThat(HttpProbe.read(stalled.get(stalled.size() - 1)).status()).isEqualTo(408);
        } finally {
            ServiceClient.close(stalled);
        }
    }

    @Test
    void aStalledUploadGetsA408ProblemAndLogsOneLine(CapturedOutput output) throws Exception {
        long start = System.nanoTime();
        try (Socket socket =
                HttpProbe.open(port, ServiceClient.head("/identify", 100_000), ServiceClient.partStart(500))) {
            HttpProbe.Response response = HttpProbe.read(socket);
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.contentType()).startsWith(PROBLEM);
            assertThat(JSON.readTree(response.body()).get("type").asString()).endsWith("/upload-timeout");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofSeconds(4), Duration.ofSeconds(15));
        List<String> lines =
                output.getAll().lines().filter(line -> line.contains("stalled")).toList();
        assertThat(lines).hasSize(1);
        assertThat(output.getAll()).doesNotContain("SocketTimeoutException").doesNotContain("\tat org.apache");
    }

    @Test
    void everyMalformedMultipartShapeIsA400ProblemThatNamesItsCause() throws Exception {
        byte[] cut = ServiceClient.partStart(300);
        assertProblem(raw("multipart/form-data", cut), 400, "malformed-multipart", "no boundary parameter");
        assertProblem(raw("multipart/form-data; boundary=", cut), 400, "malformed-multipart", "1 to 70 characters");
        assertProblem(
                raw("multipart/form-data; boundary=" + ServiceClient.BOUNDARY, cut),
                400,
                "malformed-multipart",
                "ends before its closing boundary");
        assertProblem(
                raw("multipart/form-data; boundary=" + ServiceClient.BOUNDARY, "no parts at all".getBytes()),
                400,
                "malformed-multipart",
                "no part delimited by its boundary");
    }

    @Test
    void partsAreCountedApartFromBytesIn413() throws Exception {
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        for (int i = 0; i < 101; i++) {
            many.writeBytes(field("f" + i, "x".repeat(8192)));
        }
        many.writeBytes(closing());
        assertProblem(
                raw("multipart/form-data; boundary=" + ServiceClient.BOUNDARY, many.toByteArray()),
                413,
                "upload-too-large",
                "form field 'f0' is longer");
        ByteArrayOutputStream parts = new ByteArrayOutputStream();
        for (int i = 0; i < 11; i++) {
            parts.writeBytes(field("f" + i, "x"));
        }
        parts.writeBytes(closing());
        assertProblem(
                raw("multipart/form-data; boundary=" + ServiceClient.BOUNDARY, parts.toByteArray()),
                413,
                "too-many-parts",
                "more than 10 parts");
        byte[] big = new byte[3 << 20];
        assertProblem(
                client.send(
                        Multipart.post(ServiceClient.uri(port, "/identify"), "image", "big.jpg", "image/jpeg", big)),
                413,
                "upload-too-large",
                "bytes");
    }

    @Test
    void aMissingImagePartAndAnEmptyOneAreToldApart() throws Exception {
        HttpResponse<String> missing = client.send(
                Multipart.post(ServiceClient.uri(port, "/identify"), "photo", "a.jpg", "image/jpeg", photo()));
        assertProblem(missing, 400, "missing-image", "no part named 'image'");
        HttpResponse<String> empty = client.send(
                Multipart.post(ServiceClient.uri(port, "/identify"), "image", "a.jpg", "image/jpeg", new byte[0]));
        assertProblem(empty, 400, "missing-image", "The image part is empty");
    }

    @Test
    void aParameterThatDoesNotConvertIsNamedInErrors() throws Exception {
        HttpResponse<String> response = client.send(
                Multipart.post(ServiceClient.uri(port, "/identify?top=abc"), "image", "a.jpg", "image/jpeg", photo()));
        JsonNode problem = assertProblem(response, 400, "invalid-request", "top");
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("top");
    }

    @Test
    void theErrorPathAndTomcatsOwnRefusalsAreProblems() throws Exception {
        HttpResponse<String> error = client.get(port, "/error");
        assertThat(error.statusCode()).isEqualTo(404);
        assertThat(error.headers().firstValue("Content-Type").orElse("")).startsWith(PROBLEM);

        HttpProbe.Response longQuery = HttpProbe.exchange(
                port,
                "GET /model?q=" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                null);
        assertThat(longQuery.status()).isEqualTo(400);
        assertThat(longQuery.contentType()).startsWith(PROBLEM);
        assertThat(longQuery.body()).doesNotContain("<html").contains("\"status\":400");

        HttpProbe.Response longHeader = HttpProbe.exchange(
                port,
                "GET /model HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(9 * 1024)
                        + "\r\nConnection: close\r\n\r\n",
                null);
        assertThat(longHeader.status()).isEqualTo(400);
        assertThat(longHeader.contentType()).startsWith(PROBLEM);
    }

    @Test
    void metricsAndHealthDetailsAreNotPublicButTheScrapeIs() throws Exception {
        assertThat(client.get(managementPort, "/actuator/metrics").statusCode()).isEqualTo(404);
        assertThat(client.get(managementPort, "/actuator/prometheus").body())
                .contains("visage_memory_budget_used_bytes");
        String health = client.get(managementPort, "/actuator/health").body();
        assertThat(health).contains("\"status\"").doesNotContain("details").doesNotContain("path");
        assertThat(client.get(port, "/actuator/health").statusCode()).isEqualTo(404);
    }

    private JsonNode assertProblem(HttpResponse<String> response, int status, String type, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith(PROBLEM);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asString()).endsWith("/" + type);
        assertThat(problem.get("detail").asString()).contains(detail);
        return problem;
    }

    private HttpResponse<String> raw(String contentType, byte[] body) throws Exception {
        return client.send(HttpRequest.newBuilder(ServiceClient.uri(port, "/identify"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static byte[] field(String name, String value) {
        return ("--" + ServiceClient.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"
                        + value + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] closing() {
        return ("--" + ServiceClient.BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A fresh photo of the first synthetic person, as a JPEG. */
    static byte[] photo() throws Exception {
        Path file = Files.createTempFile("visage-photo", ".jpg");
        try {
            ImageIO.write(SyntheticLfw.image(0, new Random(31)), "jpg", file.toFile());
            return Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
    }
}
