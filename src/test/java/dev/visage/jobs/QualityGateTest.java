package dev.visage.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The gate's arithmetic, on the figures the issue reported. */
class QualityGateTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final QualityGate gate = new QualityGate(new GateProperties(0.005, 0.5));

    private static JsonNode metrics(String json) {
        return JSON.readTree(json);
    }

    private static QualityGate.Serving serving(double accuracy) {
        return new QualityGate.Serving("v-serving", metrics("{\"testAccuracy\": " + accuracy + "}"));
    }

    @Test
    void aWorseModelThanTheServingOneIsTurnedDownWithTheFiguresInTheReason() {
        for (double weak : new double[] {0.45, 0.57, 0.984}) {
            QualityGate.Verdict verdict = gate.judge(metrics("{\"testAccuracy\": " + weak + "}"), serving(0.99));

            assertThat(verdict.passed()).as("%s", weak).isFalse();
            assertThat(verdict.reasons())
                    .anyMatch(reason -> reason.contains("more than 0.0050 below the serving model v-serving's 0.9900"))
                    .hasSize(weak < 0.5 ? 2 : 1);
        }
    }

    @Test
    void aModelWithinTheToleranceOrBetterPasses() {
        for (double good : new double[] {0.9851, 0.99, 1.0}) {
            QualityGate.Verdict verdict = gate.judge(metrics("{\"testAccuracy\": " + good + "}"), serving(0.99));

            assertThat(verdict.passed()).as("%s", good).isTrue();
            assertThat(verdict.reasons()).hasSize(2).anyMatch(reason -> reason.contains("reaches the floor"));
        }
    }

    @Test
    void aFirstModelNeedsOnlyTheFloor() {
        assertThat(gate.judge(metrics("{\"testAccuracy\": 0.6}"), null).passed())
                .isTrue();

        QualityGate.Verdict weak = gate.judge(metrics("{\"testAccuracy\": 0.18}"), null);
        assertThat(weak.passed()).isFalse();
        assertThat(weak.reasons()).containsExactly("test accuracy 0.1800 is below the floor of 0.5000");
        assertThat(gate.judge(metrics("{}"), null).passed())
                .as("no accuracy at all")
                .isFalse();
    }

    @Test
    void openSetFiguresThatBothModelsHaveMustNotGetWorse() {
        QualityGate.Serving withOpenSet = new QualityGate.Serving(
                "v-serving", metrics("{\"testAccuracy\": 0.9, \"openSet\": {\"strangersUnknown\": 0.60}}"));

        QualityGate.Verdict worse =
                gate.judge(metrics("{\"testAccuracy\": 0.95, \"openSet\": {\"strangersUnknown\": 0.50}}"), withOpenSet);
        QualityGate.Verdict same = gate.judge(
                metrics("{\"testAccuracy\": 0.95, \"openSet\": {\"strangersUnknown\": 0.598}}"), withOpenSet);
        QualityGate.Verdict unmeasured = gate.judge(metrics("{\"testAccuracy\": 0.95}"), withOpenSet);

        assertThat(worse.passed()).isFalse();
        assertThat(worse.reasons()).singleElement().asString().startsWith("open-set strangersUnknown 0.5000 is more");
        assertThat(same.passed()).isTrue();
        assertThat(unmeasured.passed()).isTrue();
    }

    @Test
    void aServingModelWithoutFiguresLeavesOnlyTheFloor() {
        QualityGate.Verdict verdict =
                gate.judge(metrics("{\"testAccuracy\": 0.7}"), new QualityGate.Serving("v-old", metrics("{}")));

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reasons()).contains("the serving model v-old has no test accuracy to compare with");
    }
}
