package dev.visage.batch;

import dev.visage.Multipart;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service's jar (visage-service/target/visage.jar) run as its own process on a model store: its /identify. */
final class ServiceProcess implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServiceProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static ServiceProcess start(Path models, Path log) throws Exception {
        Path jar = Path.of(System.getProperty("visage.service.jar", "visage-service/target/visage.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the service first (./mvnw -B package)");
        }
        int port = freePort();
        int managementPort = freePort();
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--management.server.port=" + managementPort,
                        "--visage.models.dir=" + models,
                        "--visage.train-on-startup=false",
                        "--visage.lfw.download=false",
                        "--visage.identify.warm-up=0s"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ServiceProcess service = new ServiceProcess(process, port);
        service.awaitReady(managementPort);
        return service;
    }

    private void awaitReady(int managementPort) throws Exception {
        URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The service exited with " + process.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The service was not ready within 3 minutes");
    }

    /** The service's answer to POST /identify (top 1) for these bytes: its JSON, an answer or a problem. */
    JsonNode identify(String fileName, byte[] image) throws Exception {
        HttpResponse<String> response = http.send(
                Multipart.post(
                                URI.create("http://127.0.0.1:" + port + "/identify?top=1"),
                                "image",
                                fileName,
                                "application/octet-stream",
                                image)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
