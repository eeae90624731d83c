package dev.visage.jobs;

import dev.visage.training.OpenSetMetrics;
import dev.visage.training.TrainingMetrics;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The figures of {@code metrics.json} that the {@link QualityGate} compares between a candidate and the serving
 * model, in the order it reports them, each with the direction in which it gets better (see {@link OpenSetMetrics}
 * for the open-set ones).
 */
enum GateFigure {
    TEST_ACCURACY("test accuracy", Better.HIGHER, TrainingMetrics::testAccuracy),
    OPEN_SET_AUROC("open-set auroc", Better.HIGHER, openSet(OpenSetMetrics::auroc)),
    OPEN_SET_KNOWN_CORRECT("open-set knownCorrect", Better.HIGHER, openSet(OpenSetMetrics::knownCorrect)),
    OPEN_SET_STRANGERS_UNKNOWN("open-set strangersUnknown", Better.HIGHER, openSet(OpenSetMetrics::strangersUnknown));

    /** The direction in which a figure gets better, and the word for a worse value's side. */
    enum Better {
        HIGHER(1, "below"),
        LOWER(-1, "above");

        private final int sign;
        final String worseSide;

        Better(int sign, String worseSide) {
            this.sign = sign;
            this.worseSide = worseSide;
        }

        /** Whether {@code mine} is at most {@code tolerance} worse than {@code theirs}. */
        boolean within(double tolerance, double mine, double theirs) {
            return sign * mine >= sign * theirs - tolerance;
        }
    }

    final String label;
    final Better better;
    private final Function<TrainingMetrics, Double> value;

    GateFigure(String label, Better better, Function<TrainingMetrics, Double> value) {
        this.label = label;
        this.better = better;
        this.value = value;
    }

    /** This figure of a model; null when it was not measured (open-set figures need outsiders in the split). */
    Double of(TrainingMetrics metrics) {
        return value.apply(metrics);
    }

    private static Function<TrainingMetrics, Double> openSet(ToDoubleFunction<OpenSetMetrics> figure) {
        return metrics -> metrics.openSet() == null ? null : figure.applyAsDouble(metrics.openSet());
    }
}
