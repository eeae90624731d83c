package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class DetectionTurnsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void atMostTheGivenNumberRunAtOnce() throws Exception {
        DetectionTurns turns = new DetectionTurns(2, Duration.ofSeconds(30), meters);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int n = i;
                results.add(pool.submit(() -> turns.inTurn(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    sleep(5);
                    running.decrementAndGet();
                    return n;
                })));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(most.get()).isEqualTo(2);
        assertThat(meters.get("visage.identify.detection.wait").timer().count()).isEqualTo(32);
    }

    @Test
    void waitingRequestsTakeTheirTurnInArrivalOrder() throws Exception {
        DetectionTurns turns = new DetectionTurns(1, Duration.ofSeconds(30), meters);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> waiting = new ArrayList<>();
        Thread first = started(() -> turns.inTurn(() -> await(release)));
        waitUntil(() -> first.getState() == Thread.State.TIMED_WAITING);
        for (int i = 0; i < 6; i++) {
            int n = i;
            Thread thread = started(() -> turns.inTurn(() -> order.add(n)));
            waiting.add(thread);
            waitUntil(() -> thread.getState() == Thread.State.TIMED_WAITING);
        }
        release.countDown();
        first.join(10_000);
        for (Thread thread : waiting) {
            thread.join(10_000);
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void aRequestThatGetsNoTurnWithinTheTimeoutIsRefusedAsBusy() throws Exception {
        DetectionTurns turns = new DetectionTurns(1, Duration.ofMillis(100), meters);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = started(() -> turns.inTurn(() -> await(release)));
        try {
            waitUntil(() -> holder.getState() == Thread.State.TIMED_WAITING);
            assertThatThrownBy(() -> turns.inTurn(() -> "never"))
                    .isInstanceOf(ServiceBusyException.class)
                    .hasMessageContaining("within PT0.1S");
        } finally {
            release.countDown();
            holder.join(10_000);
        }
        assertThat(turns.inTurn(() -> "after")).isEqualTo("after");
    }

    private static Thread started(Runnable task) {
        Thread thread = new Thread(task);
        thread.start();
        return thread;
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
