package dev.visage.batch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The batch benchmark's tools (bench/batch.sh runs them by hand, JDK only):
 *
 * <pre>
 * java -cp visage-batch/target/test-classes dev.visage.batch.ArchiveBench generate DIR COUNT
 * java -cp visage-batch/target/test-classes dev.visage.batch.ArchiveBench post URL DIR CONNECTIONS
 * </pre>
 *
 * {@code generate} writes COUNT 640x480 JPEGs into DIR, nine in ten with one LFW face (cycling through LFW's
 * people, at sizes from 120 to 240 pixels) and one in ten without; {@code post} sends every file of DIR to the
 * service's {@code POST /identify} over CONNECTIONS connections at once and prints the photos per second.
 */
final class ArchiveBench {

    private ArchiveBench() {}

    public static void main(String[] args) throws Exception {
        if ("generate".equals(args[0])) {
            generate(Path.of(args[1]), Integer.parseInt(args[2]));
        } else {
            post(URI.create(args[1] + "/identify?top=1"), Path.of(args[2]), Integer.parseInt(args[3]));
        }
    }

    private static void generate(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        List<Path> faces = ArchivePhotos.lfwFaces(Math.max(1, count));
        for (int i = 0; i < count; i++) {
            byte[] photo = i % 10 == 9
                    ? ArchivePhotos.withoutFace(i)
                    : ArchivePhotos.withFace(faces.get(i % faces.size()), 120 + (i * 7) % 121, i);
            Files.write(dir.resolve(String.format(Locale.ROOT, "photo-%06d.jpg", i)), photo);
        }
    }

    private static void post(URI identify, Path dir, int connections) throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(file -> !file.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(connections);
        List<Future<Object>> done = Stream.generate(() -> threads.submit(() -> {
                    for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                        if (send(http, identify, files.get(i)) != 200) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }))
                .limit(connections)
                .toList();
        for (Future<Object> each : done) {
            each.get();
        }
        threads.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "service: %d photos in %.1f s = %.1f photos/s (%d connections, %d not 200)%n",
                files.size(),
                seconds,
                files.size() / seconds,
                connections,
                failed.get());
    }

    private static int send(HttpClient http, URI identify, Path file) throws Exception {
        String boundary = "visage-bench-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                        + file.getFileName() + "\"\r\nContent-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        HttpRequest request = HttpRequest.newBuilder(identify)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, Files.readAllBytes(file), tail)))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
