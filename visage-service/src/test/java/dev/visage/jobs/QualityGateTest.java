package dev.visage.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.training.Evaluation;
import dev.visage.training.OpenSetMetrics;
import dev.visage.training.TrainingMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate's arithmetic, on the figures the issue reported. */
class QualityGateTest {

    private final QualityGate gate = new QualityGate(new GateProperties(0.005, 0.5));

    /** A model's figures: its test accuracy, and no open-set figures. */
    static TrainingMetrics metrics(double testAccuracy) {
        return metrics(testAccuracy, null);
    }

    private static TrainingMetrics metrics(double testAccuracy, OpenSetMetrics openSet) {
        return new TrainingMetrics(testAccuracy, 0, 0, null, 0, 1, 1, 0, 0, 0, null, 0, 0, List.of(), openSet);
    }

    private static OpenSetMetrics openSet(double auroc, double knownCorrect, double strangersUnknown) {
        return new OpenSetMetrics(auroc, knownCorrect, strangersUnknown, null, null);
    }

    private static QualityGate.Serving serving(double accuracy) {
        return new QualityGate.Serving("v-serving", metrics(accuracy));
    }

    @Test
    void aWorseModelThanTheServingOneIsTurnedDownWithTheFiguresInTheReason() {
        for (double weak : new double[] {0.45, 0.57, 0.984}) {
            QualityGate.Verdict verdict = gate.judge(metrics(weak), serving(0.99));

            assertThat(verdict.passed()).as("%s", weak).isFalse();
            assertThat(verdict.reasons())
                    .anyMatch(reason -> reason.contains("more than 0.0050 below the serving model v-serving's 0.9900"))
                    .hasSize(weak < 0.5 ? 2 : 1);
        }
    }

    @Test
    void aModelWithinTheToleranceOrBetterPasses() {
        for (double good : new double[] {0.9851, 0.99, 1.0}) {
            QualityGate.Verdict verdict = gate.judge(metrics(good), serving(0.99));

            assertThat(verdict.passed()).as("%s", good).isTrue();
            assertThat(verdict.reasons()).hasSize(2).anyMatch(reason -> reason.contains("reaches the floor"));
        }
    }

    @Test
    void aFirstModelNeedsOnlyTheFloor() {
        assertThat(gate.judge(metrics(0.6), null).passed()).isTrue();

        QualityGate.Verdict weak = gate.judge(metrics(0.18), null);
        assertThat(weak.passed()).isFalse();
        assertThat(weak.reasons()).containsExactly("test accuracy 0.1800 is below the floor of 0.5000");
    }

    @Test
    void openSetFiguresThatBothModelsHaveMustNotGetWorse() {
        QualityGate.Serving withOpenSet = new QualityGate.Serving("v-serving", metrics(0.9, openSet(0.9, 0.8, 0.60)));

        QualityGate.Verdict worse = gate.judge(metrics(0.95, openSet(0.9, 0.8, 0.50)), withOpenSet);
        QualityGate.Verdict same = gate.judge(metrics(0.95, openSet(0.9, 0.8, 0.598)), withOpenSet);
        QualityGate.Verdict unmeasured = gate.judge(metrics(0.95), withOpenSet);

        assertThat(worse.passed()).isFalse();
        assertThat(worse.reasons()).singleElement().asString().startsWith("open-set strangersUnknown 0.5000 is more");
        assertThat(same.passed()).isTrue();
        assertThat(same.reasons())
                .hasSize(5)
                .contains("open-set auroc 0.9000 is not more than 0.0050 below the serving model v-serving's 0.9000");
        assertThat(unmeasured.passed()).isTrue();
        assertThat(unmeasured.reasons()).hasSize(2);
    }

    @Test
    void aServingModelWithoutOpenSetFiguresIsComparedOnTestAccuracyOnly() {
        QualityGate.Verdict verdict = gate.judge(metrics(0.7, openSet(0.5, 0.5, 0.5)), serving(0.69));

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reasons())
                .containsExactly(
                        "test accuracy 0.7000 reaches the floor of 0.5000",
                        "test accuracy 0.7000 is not more than 0.0050 below the serving model v-serving's 0.6900");
    }

    @Test
    void aLowerIsBetterFigureMayNotRiseByMoreThanTheTolerance() {
        assertThat(GateFigure.Better.LOWER.within(0.005, 0.104, 0.1)).isTrue();
        assertThat(GateFigure.Better.LOWER.within(0.005, 0.08, 0.1)).isTrue();
        assertThat(GateFigure.Better.LOWER.within(0.005, 0.106, 0.1)).isFalse();
        assertThat(GateFigure.Better.HIGHER.within(0.005, 0.106, 0.1)).isTrue();
        assertThat(GateFigure.Better.HIGHER.within(0.005, 0.094, 0.1)).isFalse();
        assertThat(GateFigure.Better.LOWER.worseSide).isEqualTo("above");
    }

    @Test
    void aModelOfOtherPeopleIsHeldToTheFloorOnlyNotToTheServingModelsFigures() {
        TrainingMetrics lfw = withPeople(0.99, "Ariel_Sharon", "Colin_Powell");
        TrainingMetrics enrolled = withPeople(0.6, "Ada Lovelace", "Alan Turing");
        QualityGate.Serving serving = new QualityGate.Serving("v-lfw", lfw);

        QualityGate.Verdict other = gate.judge(enrolled, serving);
        QualityGate.Verdict same = gate.judge(withPeople(0.6, "Colin_Powell", "Ariel_Sharon"), serving);
        QualityGate.Verdict belowFloor = gate.judge(withPeople(0.4, "Ada Lovelace", "Alan Turing"), serving);

        assertThat(other.passed()).isTrue();
        assertThat(other.reasons()).anyMatch(r -> r.contains("v-lfw names other people"));
        assertThat(same.passed()).isFalse();
        assertThat(belowFloor.passed()).isFalse();
    }

    @Test
    void aServingModelWhoseFiguresClassifiedPhotosWithoutAFaceIsHeldToTheFloorOnly() {
        TrainingMetrics classified = withNoFaceCount(0.99, null, "Ariel_Sharon", "Colin_Powell");
        QualityGate.Serving serving = new QualityGate.Serving("v-old", classified);

        QualityGate.Verdict counted = gate.judge(withNoFaceCount(0.97, 3, "Ariel_Sharon", "Colin_Powell"), serving);
        QualityGate.Verdict belowFloor = gate.judge(withNoFaceCount(0.4, 3, "Ariel_Sharon", "Colin_Powell"), serving);
        QualityGate.Verdict bothClassified =
                gate.judge(withNoFaceCount(0.97, null, "Ariel_Sharon", "Colin_Powell"), serving);

        assertThat(counted.passed()).isTrue();
        assertThat(counted.reasons()).anyMatch(r -> r.contains("v-old's figures classified the photos"));
        assertThat(belowFloor.passed()).isFalse();
        assertThat(bothClassified.passed()).isFalse();
    }

    private static TrainingMetrics withPeople(double testAccuracy, String... people) {
        return withNoFaceCount(testAccuracy, 0, people);
    }

    private static TrainingMetrics withNoFaceCount(double testAccuracy, Integer noFace, String... people) {
        Evaluation test = new Evaluation(
                testAccuracy,
                testAccuracy,
                testAccuracy,
                java.util.Arrays.stream(people)
                        .map(p -> new Evaluation.PersonScore(p, 1, 1, 1, 1))
                        .toList(),
                new int[0][],
                noFace);
        return new TrainingMetrics(testAccuracy, 0, 0, test, 0, 1, 1, 0, 0, 0, null, 0, 0, List.of(), null);
    }
}
