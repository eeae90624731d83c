package dev.visage.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Decides from two {@code metrics.json} whether a new model may replace the serving one: its test accuracy must
 * reach {@code visage.gate.min-accuracy} and be no more than {@code visage.gate.tolerance} below the serving
 * model's, and so must every open-set figure that both models have (the numbers in {@code metrics.json}'s
 * {@code openSet} object, each one higher-is-better, such as the share of strangers answered "unknown").
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
    record Serving(String version, JsonNode metrics) {}

    /**
     * The gate's verdict.
     *
     * @param passed whether the candidate may serve
     * @param reasons each check, passed or failed, for people
     */
    record Verdict(boolean passed, List<String> reasons) {}

    Verdict judge(JsonNode candidate, Serving serving) {
        List<String> failures = new ArrayList<>();
        List<String> passes = new ArrayList<>();
        double accuracy = figure(candidate, "testAccuracy");
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
            compare("test accuracy", accuracy, figure(serving.metrics(), "testAccuracy"), serving, passes, failures);
            for (Map.Entry<String, JsonNode> figure : openSet(serving.metrics()).properties()) {
                JsonNode mine = openSet(candidate).get(figure.getKey());
                if (mine != null && mine.isNumber() && figure.getValue().isNumber()) {
                    compare(
                            "open-set " + figure.getKey(),
                            mine.asDouble(),
                            figure.getValue().asDouble(),
                            serving,
                            passes,
                            failures);
                }
            }
        }
        return new Verdict(failures.isEmpty(), failures.isEmpty() ? passes : failures);
    }

    private void compare(
            String name, double mine, double theirs, Serving serving, List<String> passes, List<String> failures) {
        if (Double.isNaN(theirs)) {
            passes.add("the serving model " + serving.version() + " has no " + name + " to compare with");
            return;
        }
        boolean ok = mine >= theirs - properties.tolerance();
        check(
                ok,
                String.format(
                        Locale.ROOT,
                        "%s %.4f is %s %.4f below the serving model %s's %.4f",
                        name,
                        mine,
                        ok ? "not more than" : "more than",
                        properties.tolerance(),
                        serving.version(),
                        theirs),
                passes,
                failures);
    }

    private static void check(boolean ok, String reason, List<String> passes, List<String> failures) {
        (ok ? passes : failures).add(reason);
    }

    private static double figure(JsonNode metrics, String name) {
        JsonNode value = metrics.get(name);
        return value != null && value.isNumber() ? value.asDouble() : Double.NaN;
    }

    private static JsonNode openSet(JsonNode metrics) {
        JsonNode openSet = metrics.get("openSet");
        return openSet != null && openSet.isObject() ? openSet : JsonNodeFactory.instance.objectNode();
    }
}
