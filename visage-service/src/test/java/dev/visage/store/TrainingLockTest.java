package dev.visage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One training job at a time among all instances that share a store, with stale holders replaced. */
class TrainingLockTest {

    private static final Duration STALE_AFTER = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path root;

    /** Each instance has its own store object and clock, on the same folder. */
    private TrainingLock instance(String name, AtomicReference<Instant> now) {
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        return new TrainingLock(new ModelStore(root, 5), name, STALE_AFTER, clock);
    }

    @Test
    void oneHolderAtATimeAndReleasedOnClose() {
        AtomicReference<Instant> now = new AtomicReference<>(T0);
        TrainingLock a = instance("a", now);
        TrainingLock b = instance("b", now);

        TrainingLock.Lease lease = a.acquire("job-1");

        assertThat(b.holder()).hasValueSatisfying(h -> {
            assertThat(h.owner()).isEqualTo("a");
            assertThat(h.jobId()).isEqualTo("job-1");
            assertThat(h.acquiredAt()).isEqualTo(T0);
        });
        assertThatExceptionOfType(TrainingLockedException.class)
                .isThrownBy(() -> b.acquire("job-2"))
                .satisfies(e -> assertThat(e.holder().owner()).isEqualTo("a"))
                .withMessageContaining("job-1");

        lease.close();
        assertThat(b.holder()).isEmpty();
        try (TrainingLock.Lease second = b.acquire("job-2")) {
            assertThat(second.takenOverFrom()).isEmpty();
            assertThat(a.holder()).hasValueSatisfying(h -> assertThat(h.owner()).isEqualTo("b"));
        }
    }

    @Test
    void heartbeatsKeepTheLockAndAStaleHolderLosesIt() {
        AtomicReference<Instant> now = new AtomicReference<>(T0);
        TrainingLock a = instance("a", now);
        TrainingLock b = instance("b", now);
        TrainingLock.Lease lease = a.acquire("job-1");

        now.set(T0.plus(STALE_AFTER));
        assertThat(lease.heartbeat()).isTrue();
        now.set(T0.plus(STALE_AFTER).plus(STALE_AFTER));
        assertThatExceptionOfType(TrainingLockedException.class).isThrownBy(() -> b.acquire("job-2"));

        now.set(now.get().plusSeconds(1));
        TrainingLock.Lease taken = b.acquire("job-2");

        assertThat(lease.isHeld()).isFalse();
        assertThat(lease.heartbeat()).isFalse();
        lease.close();
        assertThat(taken.isHeld()).isTrue();
        assertThat(taken.takenOverFrom())
                .hasValueSatisfying(h -> assertThat(h.jobId()).isEqualTo("job-1"));
        assertThat(a.holder()).hasValueSatisfying(h -> assertThat(h.jobId()).isEqualTo("job-2"));
        assertThat(a.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void ofManyInstancesAskingAtOnceExactlyOneGetsIt() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(T0);
        int instances = 8;
        ExecutorService threads = Executors.newFixedThreadPool(instances);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                TrainingLock lock = instance("instance-" + i, now);
                attempts.add(threads.submit(() -> {
                    start.await();
                    try {
                        lock.acquire("job");
                        return true;
                    } catch (TrainingLockedException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> attempt : attempts) {
                winners += attempt.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }
}
