package dev.visage.identify;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Lets a fixed number of requests decode and search their photos at once, in arrival order; the others wait their
 * turn holding only their upload. Detection is most of a real photo's cost and varies from photo to photo: with
 * every request on the CPU at once, each one's share shrinks with the crowd and the costliest photos finish last,
 * while in turns each request waits about as long as the others and its own work runs at full speed.
 */
final class DetectionTurns {

    private final Semaphore turns;
    private final Duration timeout;
    private final Timer waits;

    /**
     * @param concurrent requests that decode and detect at once
     * @param timeout longest wait for a turn, after which the request is refused as busy
     */
    DetectionTurns(int concurrent, Duration timeout, MeterRegistry meters) {
        this.turns = new Semaphore(concurrent, true);
        this.timeout = timeout;
        this.waits = Timer.builder("visage.identify.detection.wait")
                .description("Time a photo waited for its turn to be decoded and searched for faces")
                .publishPercentileHistogram()
                .register(meters);
    }

    /** Runs {@code work} in its turn. */
    <T> T inTurn(Supplier<T> work) {
        long start = System.nanoTime();
        try {
            if (!turns.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new ServiceBusyException("No photo could be searched for faces within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("Interrupted while waiting to search the photo for faces");
        } finally {
            waits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        try {
            return work.get();
        } finally {
            turns.release();
        }
    }
}
