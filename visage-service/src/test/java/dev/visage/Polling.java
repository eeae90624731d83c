package dev.visage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting in tests for something that happens elsewhere (another instance, a container), with a time limit. */
public final class Polling {

    private Polling() {}

    /**
     * Polls {@code probe} every {@code interval} until {@code until} holds; fails, naming {@code what} and the last
     * value seen, once {@code limit} has passed.
     *
     * @return how long it took
     */
    public static <T> Duration await(
            String what, Supplier<T> probe, Predicate<T> until, Duration interval, Duration limit)
            throws InterruptedException {
        long start = System.nanoTime();
        T last = probe.get();
        while (!until.test(last)) {
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("%s, still %s", what, last)
                    .isLessThan(limit);
            Thread.sleep(interval.toMillis());
            last = probe.get();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
