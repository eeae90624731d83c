package dev.visage.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.HttpProbe;
import dev.visage.Multipart;
import dev.visage.SyntheticService;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Stalled uploads whose reads hit Tomcat's connection timeout before the upload timeout: they are answered 408 like
 * any stall, and their ending holds no request thread (it once held every one for another connection timeout,
 * while the error page's dispatch read the stalled body).
 */
@SyntheticService
@TestPropertySource(properties = "server.tomcat.connection-timeout=2s")
class ConnectionTimeoutBelowUploadTimeoutTest {

    @LocalServerPort
    private int port;

    @LocalManagementPort
    private int managementPort;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @Test
    void stalledUploadsAreAnswered408AndHoldNoThreadAsTheirReadsTimeOut() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (send(HttpRequest.newBuilder(uri(managementPort, "/actuator/health/readiness")))
                        .statusCode()
                != 200) {
            assertThat(System.nanoTime()).as("no model after 4 minutes").isLessThan(deadline);
            Thread.sleep(250);
        }
        byte[] photo = HostileClientsTest.photo();
        identify(photo); // warm
        List<Socket> stalled = new ArrayList<>();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 220; i++) {
                stalled.add(HttpProbe.open(
                        port, HostileClientsTest.head("/identify", 1_000_000), HostileClientsTest.partStart(1000)));
            }
            HttpProbe.Response first = HttpProbe.read(stalled.get(0));
            assertThat(first.status()).isEqualTo(408);
            assertThat(first.body()).contains("connection timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            start = System.nanoTime();
            HttpResponse<String> answer = identify(photo);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat((System.nanoTime() - start) / 1_000_000)
                    .as("identification as the stalled uploads time out")
                    .isLessThan(1000);
            assertThat(HttpProbe.read(stalled.get(stalled.size() - 1)).status()).isEqualTo(408);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    private HttpResponse<String> identify(byte[] photo) throws Exception {
        return send(Multipart.post(uri(port, "/identify"), "image", "face.jpg", "image/jpeg", photo));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int onPort, String path) {
        return URI.create("http://127.0.0.1:" + onPort + path);
    }
}
