package dev.visage.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LfwDownloaderTest {

    private static final String ALICE_1 = "lfw-deepfunneled/Alice_Smith/Alice_Smith_0001.jpg";

    private static final String ALICE_2 = "lfw-deepfunneled/Alice_Smith/Alice_Smith_0002.jpg";

    private static final String BOB_1 = "lfw-deepfunneled/Bob_Jones/Bob_Jones_0001.jpg";

    private static final String ARCHIVE_PATH = "/lfw-deepfunneled.tgz";

    private static final Map<String, Response> responses = new ConcurrentHashMap<>();

    private static final AtomicInteger requests = new AtomicInteger();

    private static HttpServer server;

    private final LfwDownloader downloader = new LfwDownloader(HttpClient.newHttpClient());

    @TempDir
    Path parent;

    private Path target;

    /** What the server answers for a path: a body, announced with a Content-Length that may not match it. */
    private record Response(byte[] body, long contentLength) {

        Response(byte[] body) {
            this(body, body.length);
        }
    }

    @BeforeAll
    static void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", LfwDownloaderTest::serve);
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void resetServer() {
        responses.clear();
        requests.set(0);
        target = parent.resolve("faces");
    }

    @Test
    void extractsVerifiedArchiveIntoTarget() throws IOException {
        byte[] archive = tgz("lfw-deepfunneled/", "lfw-deepfunneled/Alice_Smith/", ALICE_1, ALICE_2, BOB_1);
        responses.put(ARCHIVE_PATH, new Response(archive));

        Path result = downloader.ensureExtracted(target, LfwVariant.DEEPFUNNELED, url(ARCHIVE_PATH), sha256(archive));

        assertThat(result).isEqualTo(target);
        assertThat(target.resolve("Alice_Smith/Alice_Smith_0001.jpg")).hasBinaryContent(image(ALICE_1));
        assertThat(target.resolve("Alice_Smith/Alice_Smith_0002.jpg")).hasBinaryContent(image(ALICE_2));
        assertThat(target.resolve("Bob_Jones/Bob_Jones_0001.jpg")).hasBinaryContent(image(BOB_1));
        assertThat(namesIn(target)).containsExactlyInAnyOrder("Alice_Smith", "Bob_Jones");
        assertThat(namesIn(parent)).containsExactly("faces");
        assertThat(requests).hasValue(1);
    }

    @Test
    void returnsExistingTargetWithoutDownloading() throws IOException {
        Files.createDirectories(target.resolve("Alice_Smith"));
        Files.write(target.resolve("Alice_Smith/Alice_Smith_0001.jpg"), image(ALICE_1));

        Path result = downloader.ensureExtracted(target, LfwVariant.DEEPFUNNELED, url(ARCHIVE_PATH), null);

        assertThat(result).isEqualTo(target);
        assertThat(requests).hasValue(0);
    }

    @Test
    void rejectsChecksumMismatch() throws IOException {
        byte[] archive = tgz(ALICE_1);
        responses.put(ARCHIVE_PATH, new Response(archive));
        Checksum wrong = sha256("something else".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> downloader.ensureExtracted(target, LfwVariant.DEEPFUNNELED, url(ARCHIVE_PATH), wrong))
                .isInstanceOf(LfwDownloadException.class)
                .hasMessageContaining("expected " + wrong.hex())
                .hasMessageContaining("but got " + sha256(archive).hex())
                .hasMessageContaining("deleted");
        assertNothingLeft();
    }

    @Test
    void verifiesPublishedChecksumWhenOnlyTheUrlIsOverridden() throws IOException {
        responses.put(ARCHIVE_PATH, new Response(tgz(ALICE_1)));

        assertThatThrownBy(() -> downloader.ensureExtracted(target, LfwVariant.DEEPFUNNELED, url(ARCHIVE_PATH), null))
                .isInstanceOf(LfwDownloadException.class)
                .hasMessageContaining("MD5 checksum mismatch")
                .hasMessageContaining(LfwVariant.DEEPFUNNELED.checksum().hex());
        assertNothingLeft();
    }

    @Test
    void rejectsTruncatedArchive() throws IOException {
        byte[] archive = tgz(ALICE_1, ALICE_2, BOB_1);
        byte[] firstHalf = Arrays.copyOf(archive, archive.length / 2);
        responses.put(ARCHIVE_PATH, new Response(firstHalf));

        // The checksum of the served bytes passes, so only extraction can notice the truncation.
        assertThatThrownBy(() -> downloader.ensureExtracted(
                        target, LfwVariant.DEEPFUNNELED, url(ARCHIVE_PATH), sha256(firstHalf)))
                .isInstanceOf(LfwDownloadException.class)
                .hasMessageContaining("truncated");
        assertNothingLeft();
    }

    @Test
    void rejectsBodyShorterThanContentLength() throws IOException {
        byte[] archive = tgz(ALICE_1, ALICE_2, BOB_1);
        responses.put(ARCHIVE_PATH, new Response(Arrays.copyOf(archive, archive.length / 2), archive.length));

        assertThatThrownBy(() ->
                        downloader.ensureExtracted(target, LfwVariant.DEEPFUNNELED, url(ARCHIVE_PATH), sha256(archive)))
                .isInstanceOf(LfwDownloadException.class)
                .hasMessageContaining("broke off")
                .hasMessageContaining("of " + archive.length + " bytes");
        assertNothingLeft();
    }

    @Test
    void reportsHttpStatus() throws IOException {
        URI missing = url("/missing.tgz");

        assertThatThrownBy(() -> downloader.ensureExtracted(target, LfwVariant.DEEPFUNNELED, missing, null))
                .isInstanceOf(LfwDownloadException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("404");
        assertNothingLeft();
    }

    @Test
    void rejectsEntryOutsideTheExtractionFolder() throws IOException {
        byte[] archive = tgz(ALICE_1, "../evil.txt");
        responses.put(ARCHIVE_PATH, new Response(archive));

        assertThatThrownBy(() ->
                        downloader.ensureExtracted(target, LfwVariant.DEEPFUNNELED, url(ARCHIVE_PATH), sha256(archive)))
                .isInstanceOf(LfwDownloadException.class)
                .hasMessageContaining("'../evil.txt'");
        assertNothingLeft();
    }

    @Test
    void parsesVariantNamesAsWrittenInConfiguration() {
        assertThat(LfwVariant.parse("deepfunneled")).isEqualTo(LfwVariant.DEEPFUNNELED);
        assertThat(LfwVariant.parse("Deep-Funneled")).isEqualTo(LfwVariant.DEEPFUNNELED);
        assertThat(LfwVariant.parse("ORIGINAL")).isEqualTo(LfwVariant.ORIGINAL);
        assertThat(LfwVariant.parse(" funneled ")).isEqualTo(LfwVariant.FUNNELED);
        assertThatThrownBy(() -> LfwVariant.parse("aligned"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'aligned'")
                .hasMessageContaining("original, funneled, deepfunneled");
    }

    /** Failures must leave neither the target nor a staged archive or extraction folder next to it. */
    private void assertNothingLeft() throws IOException {
        assertThat(namesIn(parent)).isEmpty();
    }

    private static void serve(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            Response response = responses.get(exchange.getRequestURI().getPath());
            if (response == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(200, response.contentLength());
            exchange.getResponseBody().write(response.body());
        }
    }

    private static URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Builds a .tgz holding the given folders (names ending in '/') and files, with {@link #image} as content. */
    private static byte[] tgz(String... names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (String name : names) {
                TarArchiveEntry entry = new TarArchiveEntry(name);
                byte[] content = name.endsWith("/") ? new byte[0] : image(name);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Incompressible bytes, so that half of an archive ends inside its compressed data. */
    private static byte[] image(String name) {
        byte[] content = new byte[4096];
        new Random(name.hashCode()).nextBytes(content);
        return content;
    }

    private static Checksum sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Checksum("SHA-256", HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static List<String> namesIn(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(path -> path.getFileName().toString()).toList();
        }
    }
}
