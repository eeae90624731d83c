package dev.visage.identify;

import dev.visage.serving.CurrentModel;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warms the request path before the service reports itself ready: once the API's port is open and a model serves,
 * it sends itself {@code POST /identify} requests over the network stack for {@code visage.identify.warm-up}, from
 * two threads per processor, so that the JIT compiler has compiled the HTTP, upload, decoding, crop, batching and
 * answer code before a user's request arrives. Readiness (this {@code warmUp} component) stays out of service until
 * it is done, or until a request of its own goes unanswered. The requests are counted in the metrics like any other.
 * Without a web server (the {@code train} command) it never starts, and nothing asks for readiness.
 */
@Component("warmUp")
class WarmUp implements HealthIndicator, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final String BOUNDARY = "visage-warm-up";
    /** One request in this many searches a photo for faces; the rest send an aligned one with detect=false. */
    private static final int DETECTING_EVERY = 8;

    private final Duration duration;
    private final CurrentModel currentModel;
    private final Environment environment;
    private volatile boolean done;
    private volatile boolean stopping;

    WarmUp(IdentifyProperties properties, CurrentModel currentModel, Environment environment) {
        this.duration = properties.warmUp();
        this.currentModel = currentModel;
        this.environment = environment;
        this.done = duration.isZero();
    }

    @EventListener
    void onServerStarted(WebServerInitializedEvent event) {
        if (done || WebServerApplicationContext.hasServerNamespace(event.getApplicationContext(), "management")) {
            return;
        }
        URI identify =
                URI.create("http://" + host() + ":" + event.getWebServer().getPort() + "/identify");
        Thread thread = new Thread(() -> warmUp(identify), "warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Health health() {
        return done
                ? Health.up().build()
                : Health.outOfService().withDetail("reason", "warming up").build();
    }

    @Override
    public void destroy() {
        stopping = true;
    }

    /** The API's own address, or loopback when it listens on every interface. */
    private String host() {
        String address = environment.getProperty("server.address");
        if (address == null || address.isBlank()) {
            return "127.0.0.1";
        }
        try {
            InetAddress bound = InetAddress.getByName(address);
            if (bound.isAnyLocalAddress()) {
                return "127.0.0.1";
            }
            String host = bound.getHostAddress();
            return host.contains(":") ? "[" + host + "]" : host;
        } catch (IOException e) {
            return "127.0.0.1";
        }
    }

    private void warmUp(URI identify) {
        try {
            while (currentModel.version().isEmpty() && !stopping) {
                Thread.sleep(500);
            }
            if (stopping) {
                return;
            }
            log.info("Warming up for {} before reporting ready", duration);
            Round round = new Round(identify, System.nanoTime() + duration.toNanos());
            List<Thread> senders = new ArrayList<>();
            for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
                Thread sender = new Thread(round::send, "warm-up-" + i);
                sender.setDaemon(true);
                sender.start();
                senders.add(sender);
            }
            for (Thread sender : senders) {
                sender.join();
            }
            if (round.unanswered.get() != null) {
                log.warn(
                        "Warm-up stopped: the service did not answer itself at {} ({}); ready anyway",
                        identify,
                        round.unanswered.get().toString());
            } else {
                log.info(
                        "Warm-up done: {} requests answered, {} refused, in {}; ready",
                        round.answered.get(),
                        round.refused.get(),
                        duration);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Warm-up stopped early ({}); ready anyway", e.toString());
        } finally {
            done = true;
        }
    }

    /** The requests the senders repeat until the deadline, and what came of them. */
    private final class Round {

        private final URI identify;
        private final long deadline;
        private final byte[] aligned = multipart(jpeg(250, 250, 1));
        private final byte[] photo = multipart(jpeg(640, 480, 2));
        private final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        private final AtomicInteger answered = new AtomicInteger();
        private final AtomicInteger refused = new AtomicInteger();
        private final AtomicReference<IOException> unanswered = new AtomicReference<>();

        Round(URI identify, long deadline) {
            this.identify = identify;
            this.deadline = deadline;
        }

        /** Sends until the deadline, the service's shutdown, or a request of any sender that goes unanswered. */
        void send() {
            for (int n = 0; System.nanoTime() < deadline && !stopping && unanswered.get() == null; n++) {
                boolean detecting = n % DETECTING_EVERY == DETECTING_EVERY - 1;
                HttpRequest request = HttpRequest.newBuilder(
                                detecting ? identify : URI.create(identify + "?detect=false"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(detecting ? photo : aligned))
                        .build();
                try {
                    int status = client.send(request, HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    (status == 200 ? answered : refused).incrementAndGet();
                } catch (IOException e) {
                    unanswered.compareAndSet(null, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A smooth colour gradient with noise: any picture exercises the code; it need not show a face. */
    private static byte[] jpeg(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = picture.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(0x8a6f5c), width, height, new Color(0x3d4f6b)));
        g.fillRect(0, 0, width, height);
        g.dispose();
        for (int i = 0; i < width * height / 8; i++) {
            picture.setRGB(random.nextInt(width), random.nextInt(height), random.nextInt(0xffffff));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(picture, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] multipart(byte[] jpeg) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(
                ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"warm-up.jpg\""
                                + "\r\nContent-Type: image/jpeg\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
        body.writeBytes(jpeg);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return body.toByteArray();
    }
}
