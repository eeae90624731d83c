package dev.visage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailedTokenLimiterTest {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void blocksAnAddressAfterItsFailuresUntilTheWindowEnds() {
        FailedTokenLimiter limiter = new FailedTokenLimiter(3, Duration.ofMinutes(1), clock);
        for (int i = 1; i <= 2; i++) {
            assertThat(limiter.recordFailure("10.0.0.1")).isEqualTo(i);
            assertThat(limiter.blockedFor("10.0.0.1")).isZero();
        }
        limiter.recordFailure("10.0.0.1");
        now = now.plusSeconds(20);
        assertThat(limiter.blockedFor("10.0.0.1")).isEqualTo(40_000);
        assertThat(limiter.blockedFor("10.0.0.2")).as("another address").isZero();
        now = now.plusSeconds(40);
        assertThat(limiter.blockedFor("10.0.0.1")).isZero();
        assertThat(limiter.recordFailure("10.0.0.1")).as("a new window").isEqualTo(1);
    }

    @Test
    void keepsItsTableBoundedWhateverTheNumberOfAddresses() {
        FailedTokenLimiter limiter = new FailedTokenLimiter(3, Duration.ofMinutes(1), clock);
        for (int i = 0; i < 3 * FailedTokenLimiter.MAX_ADDRESSES; i++) {
            limiter.recordFailure("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff));
        }
        assertThat(limiter.size()).isLessThanOrEqualTo(FailedTokenLimiter.MAX_ADDRESSES);
    }
}
