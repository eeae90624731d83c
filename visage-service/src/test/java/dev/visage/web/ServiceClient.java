package dev.visage.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.HttpProbe;
import dev.visage.Multipart;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A client of a running {@code SyntheticService}, on its API and management ports, polite or hostile. */
final class ServiceClient {

    static final String BOUNDARY = "----hostileBoundary";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final int port;
    private final int managementPort;

    ServiceClient(int port, int managementPort) {
        this.port = port;
        this.managementPort = managementPort;
    }

    /** Waits until the service is ready: it trains its first model on start-up. */
    void awaitTheFirstModel() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (get(managementPort, "/actuator/health/readiness").statusCode() != 200) {
            assertThat(System.nanoTime()).as("no model after 4 minutes").isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    HttpResponse<String> identify(byte[] photo) throws Exception {
        return send(Multipart.post(uri(port, "/identify"), "image", "face.jpg", "image/jpeg", photo));
    }

    /** Identifies {@code photo} and checks that the answer is a 200 that came within a second. */
    void identifiesWithinASecond(byte[] photo, String when) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> answer = identify(photo);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000)
                .as("identification " + when)
                .isLessThan(1000);
    }

    HttpResponse<String> get(int onPort, String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(onPort, path)).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads that send their head and 1 KB of a 1 MB image part, then stall; the caller closes them. */
    List<Socket> stalledUploads(int count) throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                stalled.add(HttpProbe.open(port, head("/identify", 1_000_000), partStart(1000)));
            }
        } catch (Exception e) {
            close(stalled);
            throw e;
        }
        return stalled;
    }

    static void close(List<Socket> sockets) throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    static URI uri(int onPort, String path) {
        return URI.create("http://127.0.0.1:" + onPort + path);
    }

    /** A multipart POST's head, asking the server to close the connection after its answer. */
    static String head(String path, long contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + contentLength
                + "\r\n\r\n";
    }

    /** The start of an image part: its headers and {@code imageBytes} zero bytes. */
    static byte[] partStart(int imageBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"f.jpg\"\r\n"
                        + "Content-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[imageBytes]);
        return out.toByteArray();
    }
}
