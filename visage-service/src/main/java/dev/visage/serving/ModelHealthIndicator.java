package dev.visage.serving;

import dev.visage.store.ModelStore;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health of the {@code model} component: up with its version once a model serves, out of service before (and
 * when no stored version passes its checks). The details name the store's current version when another one
 * serves, and every version this instance refused, with the reason.
 */
@Component("model")
class ModelHealthIndicator implements HealthIndicator {

    private final CurrentModel currentModel;
    private final ModelStore store;

    ModelHealthIndicator(CurrentModel currentModel, ModelStore store) {
        this.currentModel = currentModel;
        this.store = store;
    }

    @Override
    public Health health() {
        Map<String, String> refused = currentModel.refusals();
        Optional<String> current = store.currentVersion();
        Health.Builder health = currentModel
                .manifest()
                .map(manifest -> Health.up()
                        .withDetail("version", manifest.version())
                        .withDetail("people", manifest.people().size()))
                .orElseGet(() -> Health.outOfService()
                        .withDetail(
                                "reason",
                                refused.isEmpty()
                                        ? "no model loaded yet"
                                        : "no stored model passes its checks and self-test"));
        current.filter(version -> !current.equals(currentModel.version()))
                .ifPresent(version -> health.withDetail("current", version)
                        .withDetail(
                                refused.containsKey(version) ? "fallback" : "following",
                                refused.containsKey(version)
                                        ? "the current version is refused; serving the latest good one"
                                        : "the store's current version is being loaded"));
        if (!refused.isEmpty()) {
            health.withDetail("refused", refused);
        }
        return health.build();
    }
}
