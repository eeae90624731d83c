package dev.visage.batch;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs, every {@link #EVERY_SECONDS} seconds and at the end, how many photos are done of how many, and the rate;
 * Spark's UI shows the stages and tasks. The count grows as tasks finish (Spark sends accumulators with results).
 */
final class Progress implements AutoCloseable {

    static final long EVERY_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(Progress.class);

    private final LongAccumulator done;
    private final long total;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "visage-progress");
        thread.setDaemon(true);
        return thread;
    });

    private Progress(LongAccumulator done, long total) {
        this.done = done;
        this.total = total;
    }

    static Progress start(LongAccumulator done, long total) {
        Progress progress = new Progress(done, total);
        progress.timer.scheduleAtFixedRate(progress::report, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
        return progress;
    }

    private void report() {
        long photos = done.value();
        double seconds = (System.nanoTime() - start) / 1e9;
        log.info(
                "Photos done: {} / {} ({} photos/s over {} s)",
                photos,
                total,
                String.format(java.util.Locale.ROOT, "%.1f", photos / Math.max(seconds, 1e-9)),
                Math.round(seconds));
    }

    @Override
    public void close() {
        timer.shutdownNow();
        report();
    }
}
