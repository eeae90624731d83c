package dev.visage.web;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts wrong admin tokens per client address in fixed windows: after {@code maxFailures} in one window the
 * address is refused until the window ends, whatever it sends (so guessing stays at a few tries a minute). The
 * table is bounded: when it holds too many addresses, those whose window has ended are dropped, and if that is not
 * enough, all are (a flood of addresses then costs the limiter its memory, never the service).
 */
final class FailedTokenLimiter {

    static final int MAX_ADDRESSES = 10_000;

    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailedTokenLimiter(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Milliseconds until {@code address} may try again, or 0 when it may now. */
    long blockedFor(String address) {
        Window window = windows.get(address);
        if (window == null) {
            return 0;
        }
        long now = clock.millis();
        synchronized (window) {
            return window.failures >= maxFailures && now < window.end ? window.end - now : 0;
        }
    }

    /** Records one wrong token from {@code address}; returns the failures in its current window. */
    int recordFailure(String address) {
        if (windows.size() >= MAX_ADDRESSES && !windows.containsKey(address)) {
            long now = clock.millis();
            windows.values().removeIf(window -> window.endedBefore(now));
            if (windows.size() >= MAX_ADDRESSES) {
                windows.clear();
            }
        }
        Window window = windows.computeIfAbsent(address, key -> new Window());
        long now = clock.millis();
        synchronized (window) {
            if (now >= window.end) {
                window.end = now + windowMillis;
                window.failures = 0;
            }
            return ++window.failures;
        }
    }

    int maxFailures() {
        return maxFailures;
    }

    /** Addresses in the table. */
    int size() {
        return windows.size();
    }

    private static final class Window {
        private long end;
        private int failures;

        synchronized boolean endedBefore(long now) {
            return now >= end;
        }
    }
}
