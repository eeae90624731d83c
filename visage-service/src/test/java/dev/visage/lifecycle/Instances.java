package dev.visage.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.Multipart;
import dev.visage.Polling;
import dev.visage.VisageApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Whole Visage applications started in this JVM, and HTTP helpers to drive them like an operator would. */
public final class Instances {

    public static final String TOKEN = "lifecycle-test-token";
    private static final ReentrantLock LOGGING_SET_UP = new ReentrantLock();
    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Instances() {}

    /** One running application. */
    public record Instance(String name, ConfigurableApplicationContext context, URI base) implements AutoCloseable {

        public URI uri(String path) {
            return base.resolve(path);
        }

        @Override
        public void close() {
            context.close();
        }
    }

    /** Starts an application on a free port with {@code properties} (key=value) on top of the defaults given. */
    public static Instance start(String name, List<String> properties) {
        List<String> all = new ArrayList<>(List.of(
                "server.port=0",
                "management.server.port=0",
                "visage.admin.token=" + TOKEN,
                "visage.lfw.download=false",
                "spring.main.banner-mode=off"));
        all.addAll(properties);
        // Spring Boot sets up logging for the whole JVM, which two applications starting at once must not do together
        // (Logback's property map is not thread-safe): one at a time up to the point where logging is set up.
        LOGGING_SET_UP.lock();
        AtomicBoolean released = new AtomicBoolean();
        ConfigurableApplicationContext context;
        try {
            // As command-line arguments, to override application.properties (management.server.port among them).
            context = new SpringApplicationBuilder(VisageApplication.class)
                    .listeners((ApplicationListener<ApplicationContextInitializedEvent>) initialized -> {
                        if (released.compareAndSet(false, true)) {
                            LOGGING_SET_UP.unlock();
                        }
                    })
                    .run(all.stream().map(property -> "--" + property).toArray(String[]::new));
        } finally {
            if (released.compareAndSet(false, true)) {
                LOGGING_SET_UP.unlock();
            }
        }
        String port = context.getEnvironment().getProperty("local.server.port");
        return new Instance(name, context, URI.create("http://127.0.0.1:" + port + "/"));
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpRequest.Builder admin(HttpRequest.Builder request) {
        return request.header("Authorization", "Bearer " + TOKEN);
    }

    public static JsonNode json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    public static JsonNode get(Instance instance, String path) {
        return json(send(admin(HttpRequest.newBuilder(instance.uri(path)).GET())), 200);
    }

    public static HttpResponse<String> post(Instance instance, String path, String body) {
        return send(admin(HttpRequest.newBuilder(instance.uri(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> identify(Instance instance, Path photo) throws IOException {
        return send(
                Multipart.post(instance.uri("identify"), "image", "face.jpg", "image/jpeg", Files.readAllBytes(photo)));
    }

    /** The version {@code GET /model} names, or null while none serves. */
    static String servedVersion(Instance instance) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(instance.uri("model")).GET());
        return response.statusCode() == 200
                ? JSON.readTree(response.body()).get("version").asString()
                : null;
    }

    /** Polls {@code probe} every 50 ms until it holds; returns the time that took. */
    public static <T> Duration await(
            String what, java.util.function.Supplier<T> probe, Predicate<T> until, Duration limit)
            throws InterruptedException {
        return Polling.await(what, probe, until, Duration.ofMillis(50), limit);
    }

    /** Follows a training job to its end; returns its final view. */
    public static JsonNode finished(Instance instance, JsonNode job) throws InterruptedException {
        String path = "train/" + job.get("id").asString();
        JsonNode[] last = {job};
        await(
                "job " + job.get("id").asString(),
                () -> last[0] = get(instance, path),
                j -> !List.of("QUEUED", "RUNNING").contains(j.get("state").asString()),
                Duration.ofMinutes(4));
        return last[0];
    }
}
