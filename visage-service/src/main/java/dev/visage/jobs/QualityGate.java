package dev.visage.jobs;

import dev.visage.training.TrainingMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Decides from two {@code metrics.json} whether a new model may replace the serving one: its test accuracy must
 * reach {@code visage.gate.min-accuracy}, and no {@link GateFigure} that both models have may be more than
 * {@code visage.gate.tolerance} worse than the serving model's.
 */
@Component
class QualityGate {

    private final GateProperties properties;

    QualityGate(GateProperties properties) {
        this.properties = properties;
    }

    /**
     * The serving model to compare with.
     *
     * @param version its version
     * @param metrics its {@code metrics.json}
     */
    record Serving(String version, TrainingMetrics metrics) {}

    /**
     * The gate's verdict.
     *
     * @param passed whether the candidate may serve
     * @param reasons each check, passed or failed, for people
     */
    record Verdict(boolean passed, List<String> reasons) {}

    Verdict judge(TrainingMetrics candidate, Serving serving) {
        List<String> failures = new ArrayList<>();
        List<String> passes = new ArrayList<>();
        double accuracy = candidate.testAccuracy();
        check(
                accuracy >= properties.minAccuracy(),
                String.format(
                        Locale.ROOT,
                        "test accuracy %.4f %s the floor of %.4f",
                        accuracy,
                        accuracy >= properties.minAccuracy() ? "reaches" : "is below",
                        properties.minAccuracy()),
                passes,
                failures);
        if (serving != null) {
            for (GateFigure figure : GateFigure.values()) {
                Double mine = figure.of(candidate);
                Double theirs = figure.of(serving.metrics());
                if (mine != null && theirs != null) {
                    compare(figure, mine, theirs, serving, passes, failures);
                }
            }
        }
        return new Verdict(failures.isEmpty(), failures.isEmpty() ? passes : failures);
    }

    private void compare(
            GateFigure figure,
            double mine,
            double theirs,
            Serving serving,
            List<String> passes,
            List<String> failures) {
        boolean ok = figure.better.within(properties.tolerance(), mine, theirs);
        check(
                ok,
                String.format(
                        Locale.ROOT,
                        "%s %.4f is %s %.4f %s the serving model %s's %.4f",
                        figure.label,
                        mine,
                        ok ? "not more than" : "more than",
                        properties.tolerance(),
                        figure.better.worseSide,
                        serving.version(),
                        theirs),
                passes,
                failures);
    }

    private static void check(boolean ok, String reason, List<String> passes, List<String> failures) {
        (ok ? passes : failures).add(reason);
    }
}
