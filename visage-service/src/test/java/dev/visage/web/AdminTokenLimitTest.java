package dev.visage.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.SyntheticService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Wrong admin tokens are logged without the token and, past the limit, refused per address with 429; behind a
 * proxy, per client address that the proxy forwards.
 */
@SyntheticService
@ExtendWith(OutputCaptureExtension.class)
class AdminTokenLimitTest {

    private static final String GUESS = "guess-that-must-never-be-logged";

    @LocalServerPort
    private int port;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @Test
    void wrongTokensAreLoggedAndLimitedPerAddress(CapturedOutput output) throws Exception {
        // The service allows 5 wrong tokens a minute (SyntheticService).
        for (int i = 1; i <= 5; i++) {
            assertThat(train(GUESS + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = train(GUESS);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(refused.body()).contains("too-many-token-failures");
        // While refused, even the right token is: guessing gets no answer either way.
        assertThat(train(SyntheticService.ADMIN_TOKEN).statusCode()).isEqualTo(429);

        assertThat(output.getAll().lines().filter(line -> line.contains("Wrong admin token from 127.0.0.1")))
                .hasSize(5);
        assertThat(output.getAll()).doesNotContain(GUESS).doesNotContain(SyntheticService.ADMIN_TOKEN);
    }

    @Test
    void behindAProxyTheForwardedClientIsCountedNotTheProxy(CapturedOutput output) throws Exception {
        // 127.0.0.1 is a private address, so the service takes it for a proxy and believes its X-Forwarded-For.
        String guesser = "203.0.113.7";
        String admin = "198.51.100.9";
        for (int i = 1; i <= 5; i++) {
            assertThat(train(GUESS + i, guesser).statusCode()).isEqualTo(401);
        }
        assertThat(train(SyntheticService.ADMIN_TOKEN, guesser).statusCode()).isEqualTo(429);
        assertThat(train(SyntheticService.ADMIN_TOKEN, admin).statusCode()).isEqualTo(200);
        assertThat(output.getAll().lines().filter(line -> line.contains("Wrong admin token from " + guesser)))
                .hasSize(5);
    }

    private HttpResponse<String> train(String token) throws Exception {
        return http.send(request(token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> train(String token, String forwardedFor) throws Exception {
        return http.send(
                request(token).header("X-Forwarded-For", forwardedFor).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String token) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/train"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .GET();
    }
}
