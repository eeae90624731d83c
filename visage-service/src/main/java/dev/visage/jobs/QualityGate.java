package dev.visage.jobs;

import dev.visage.training.Evaluation;
import dev.visage.training.TrainingMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Decides from two {@code metrics.json} whether a new model may replace the serving one: its test accuracy must
 * reach {@code visage.gate.min-accuracy}, and, when both models name the same people, no {@link GateFigure} that
 * both have may be more than {@code visage.gate.tolerance} worse than the serving model's (a model of the enrolled
 * people is measured on other photos than one of LFW's, and the metrics of versions before {@link Evaluation#noFace}
 * classified the photos where no face was found: their figures do not compare).
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
        if (serving != null && !samePeople(candidate, serving.metrics())) {
            passes.add("the serving model " + serving.version() + " names other people: figures not compared");
        } else if (serving != null && !noFaceCountedAlike(candidate, serving.metrics())) {
            passes.add("the serving model " + serving.version()
                    + "'s figures classified the photos where no face was found: figures not compared");
        } else if (serving != null) {
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

    /** Whether two models name the same people (as far as their figures tell). */
    private static boolean samePeople(TrainingMetrics candidate, TrainingMetrics serving) {
        return candidate.test() == null
                || serving.test() == null
                || people(candidate).equals(people(serving));
    }

    /** Whether both models' figures answered the photos without a face alike (older metrics classified them). */
    private static boolean noFaceCountedAlike(TrainingMetrics candidate, TrainingMetrics serving) {
        return candidate.test() == null
                || serving.test() == null
                || (candidate.test().noFace() == null) == (serving.test().noFace() == null);
    }

    private static Set<String> people(TrainingMetrics metrics) {
        return metrics.test().perPerson().stream()
                .map(Evaluation.PersonScore::person)
                .collect(Collectors.toSet());
    }

    private static void check(boolean ok, String reason, List<String> passes, List<String> failures) {
        (ok ? passes : failures).add(reason);
    }
}
