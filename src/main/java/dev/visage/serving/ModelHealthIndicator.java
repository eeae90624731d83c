package dev.visage.serving;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health of the {@code model} component: up with its version once a model serves, out of service before. */
@Component("model")
class ModelHealthIndicator implements HealthIndicator {

    private final CurrentModel currentModel;

    ModelHealthIndicator(CurrentModel currentModel) {
        this.currentModel = currentModel;
    }

    @Override
    public Health health() {
        return currentModel
                .manifest()
                .map(manifest -> Health.up()
                        .withDetail("version", manifest.version())
                        .withDetail("people", manifest.people().size())
                        .build())
                .orElseGet(() -> Health.outOfService()
                        .withDetail("reason", "no model loaded yet")
                        .build());
    }
}
