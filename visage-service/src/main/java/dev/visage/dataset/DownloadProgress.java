package dev.visage.dataset;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs download progress every 5% of a known length, otherwise every 10 MB. */
final class DownloadProgress {

    private static final Logger log = LoggerFactory.getLogger(DownloadProgress.class);

    private static final long MEGABYTE = 1024 * 1024;

    private final long totalBytes;

    private final long step;

    private final long startNanos = System.nanoTime();

    private long nextReport;

    DownloadProgress(long totalBytes) {
        this.totalBytes = totalBytes;
        this.step = totalBytes > 0 ? Math.max(totalBytes / 20, 1) : 10 * MEGABYTE;
        this.nextReport = step;
    }

    void update(long received) {
        if (received < nextReport) {
            return;
        }
        nextReport = received + step;
        double seconds = Math.max((System.nanoTime() - startNanos) / 1e9, 1e-3);
        double megabytesPerSecond = received / (double) MEGABYTE / seconds;
        if (totalBytes > 0) {
            log.info(String.format(
                    Locale.ROOT,
                    "Downloaded %s of %s (%d%%) at %.1f MB/s",
                    megabytes(received),
                    megabytes(totalBytes),
                    received * 100 / totalBytes,
                    megabytesPerSecond));
        } else {
            log.info(String.format(Locale.ROOT, "Downloaded %s at %.1f MB/s", megabytes(received), megabytesPerSecond));
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (double) MEGABYTE);
    }

    long totalBytes() {
        return totalBytes;
    }
}
