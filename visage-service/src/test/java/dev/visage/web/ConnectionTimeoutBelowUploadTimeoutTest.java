package dev.visage.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.HttpProbe;
import dev.visage.SyntheticService;
import java.net.Socket;
import java.time.Duration;
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

    @Test
    void stalledUploadsAreAnswered408AndHoldNoThreadAsTheirReadsTimeOut() throws Exception {
        ServiceClient client = new ServiceClient(port, managementPort);
        client.awaitTheFirstModel();
        byte[] photo = HostileClientsTest.photo();
        client.identify(photo); // warm
        long start = System.nanoTime();
        List<Socket> stalled = client.stalledUploads(220);
        try {
            HttpProbe.Response first = HttpProbe.read(stalled.get(0));
            assertThat(first.status()).isEqualTo(408);
            assertThat(first.body()).contains("connection timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            client.identifiesWithinASecond(photo, "as the stalled uploads time out");
            assertThat(HttpProbe.read(stalled.get(stalled.size() - 1)).status()).isEqualTo(408);
        } finally {
            ServiceClient.close(stalled);
        }
    }
}
