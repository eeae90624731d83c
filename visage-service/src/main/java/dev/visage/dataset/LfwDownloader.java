package dev.visage.dataset;

import dev.visage.system.Folders;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;

/**
 * Makes an LFW variant available as a folder of person folders: downloads the archive, verifies its checksum and
 * extracts it.
 *
 * <p>The archive and the extracted files are staged next to the target folder, on the same file system, and the
 * result is renamed into place in one step. The target folder therefore either holds the complete data set or does
 * not exist: a failed run deletes what it staged, and the next run starts over.
 */
public final class LfwDownloader {

    private static final Logger log = LoggerFactory.getLogger(LfwDownloader.class);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** How long to wait for the response headers; the body itself may take as long as it needs. */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(1);

    private static final int BUFFER_SIZE = 64 * 1024;

    private static final String DOWNLOAD_PREFIX = ".lfw-download-";

    private static final String EXTRACT_PREFIX = ".lfw-extract-";

    private final HttpClient httpClient;

    /** Uses its own HTTP client, which follows redirects since the LFW site may send plain HTTP on to HTTPS. */
    public LfwDownloader() {
        this(HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build());
    }

    public LfwDownloader(HttpClient httpClient) {
        this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
    }

    /**
     * Returns {@code targetDir} holding one folder per person of the given variant, downloading and extracting the
     * archive first unless the folder already holds person folders.
     *
     * @param targetDir the folder that will hold the person folders; it must be absent, empty or already extracted
     * @param variant which LFW alignment to get
     * @param url where to download the archive from, or {@code null} for the variant's default URL
     * @param checksum the archive's expected checksum, or {@code null} for the variant's published one, which also
     *     verifies a mirror given as {@code url}
     * @return {@code targetDir}
     * @throws LfwDownloadException if the download, the checksum or the extraction fails, or {@code targetDir}
     *     holds something else; neither a partial {@code targetDir} nor a temporary file is then left behind
     */
    public Path ensureExtracted(Path targetDir, LfwVariant variant, URI url, Checksum checksum) {
        Objects.requireNonNull(targetDir, "targetDir");
        Objects.requireNonNull(variant, "variant");
        URI source = url != null ? url : variant.defaultUrl();
        Checksum expected = checksum != null ? checksum : variant.checksum();
        Path target = targetDir.toAbsolutePath().normalize();
        Path archive = null;
        Path extractDir = null;
        try {
            if (LfwCatalog.holdsPeople(target)) {
                return targetDir;
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(target)) {
                throw new LfwDownloadException(
                        target + " exists but holds no person folders; delete it or choose another folder");
            }
            Path parent = Files.createDirectories(target.getParent());
            archive = Files.createTempFile(parent, DOWNLOAD_PREFIX, ".tgz");
            download(source, variant, expected, archive);
            extractDir = Files.createTempDirectory(parent, EXTRACT_PREFIX);
            int images = LfwArchive.extract(archive, extractDir, source);
            Path root = LfwArchive.extractedRoot(extractDir, variant);
            long people = countFolders(root);
            moveIntoPlace(root, target);
            log.info("Extracted {} images of {} people into {}", images, people, target);
            return targetDir;
        } catch (IOException ex) {
            throw new LfwDownloadException(
                    "Could not get LFW " + variant + " from " + source + " into " + target + ": " + ex, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new LfwDownloadException("Interrupted while downloading LFW " + variant + " from " + source, ex);
        } finally {
            Folders.deleteRecursively(archive);
            Folders.deleteRecursively(extractDir);
        }
    }

    /** Streams the response body into {@code archive}, computing its digest on the way. */
    private void download(URI url, LfwVariant variant, Checksum expected, Path archive)
            throws IOException, InterruptedException {
        log.info("Downloading LFW {} from {}", variant, url);
        HttpRequest request =
                HttpRequest.newBuilder(url).timeout(RESPONSE_TIMEOUT).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = httpClient.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException ex) {
            // The client's exceptions have no message; the innermost one tells an unknown host from a closed port.
            throw new LfwDownloadException(
                    "Cannot connect to " + url + " (" + NestedExceptionUtils.getMostSpecificCause(ex)
                            + "): no network, or a wrong address",
                    ex);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status < 200 || status >= 300) {
                throw new LfwDownloadException("Download of " + url + " failed with HTTP status " + status);
            }
            long contentLength =
                    response.headers().firstValueAsLong("Content-Length").orElse(-1);
            MessageDigest digest = expected.newDigest();
            long received;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(archive), digest)) {
                received = copyBody(body, out, url, new DownloadProgress(contentLength));
            }
            if (contentLength >= 0 && received != contentLength) {
                throw brokenOff(url, received, contentLength, null);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected.hex())) {
                throw new LfwDownloadException(expected.algorithm() + " checksum mismatch for " + url + ": expected "
                        + expected.hex() + " but got " + actual + "; the downloaded archive was deleted");
            }
            log.info("Verified {} checksum of {} ({} bytes)", expected.algorithm(), url, received);
        }
    }

    private static long copyBody(InputStream body, OutputStream out, URI url, DownloadProgress progress)
            throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        long received = 0;
        while (true) {
            int read;
            try {
                read = body.read(buffer);
            } catch (IOException ex) {
                // The client reports a connection closed before Content-Length bytes arrived as an IOException.
                throw brokenOff(url, received, progress.totalBytes(), ex);
            }
            if (read == -1) {
                return received;
            }
            out.write(buffer, 0, read);
            received += read;
            progress.update(received);
        }
    }

    private static LfwDownloadException brokenOff(URI url, long received, long expected, IOException cause) {
        String of = expected >= 0 ? " of " + expected : "";
        return new LfwDownloadException(
                "Download of " + url + " broke off after " + received + of + " bytes; the partial archive was deleted",
                cause);
    }

    private static void moveIntoPlace(Path root, Path target) throws IOException {
        // An empty target folder is replaced; not every platform renames over one.
        Files.deleteIfExists(target);
        Folders.moveAtomically(root, target);
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static long countFolders(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).count();
        }
    }
}
