package dev.visage.jobs;

import dev.visage.jobs.TrainingJobView.State;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/** The counter and timer of finished training jobs, tagged with their outcome. */
final class JobMetrics {

    private JobMetrics() {}

    /** Registers every outcome up front, so that each is exported, at zero until it happens. */
    static void register(MeterRegistry meters) {
        for (State outcome : State.values()) {
            if (outcome.isFinished()) {
                jobCounter(meters, outcome);
                durationTimer(meters, outcome);
            }
        }
    }

    /** Counts a finished job, and times it if it ever started. */
    static void ended(MeterRegistry meters, State outcome, Duration runTime) {
        jobCounter(meters, outcome).increment();
        if (runTime != null) {
            durationTimer(meters, outcome).record(runTime);
        }
    }

    private static Counter jobCounter(MeterRegistry meters, State outcome) {
        return Counter.builder("visage.training.jobs")
                .description("Finished training jobs, by outcome")
                .tag("outcome", tag(outcome))
                .register(meters);
    }

    private static Timer durationTimer(MeterRegistry meters, State outcome) {
        return Timer.builder("visage.training.duration")
                .description("Run time of training jobs, by outcome")
                .tag("outcome", tag(outcome))
                .register(meters);
    }

    private static String tag(State outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }
}
