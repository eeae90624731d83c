package dev.visage.store;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.models.*}: where models are stored, and how instances that share the store follow it.
 *
 * @param dir the store's folder (env {@code VISAGE_MODELS_DIR})
 * @param keep how many versions to keep; older ones are deleted after each new one (never the current one, nor
 *        the one a roll-back would go to)
 * @param pollInterval how often serving checks {@code current} and follows it when another instance changed it
 * @param lockStaleAfter how long the training lock's holder may go without a heartbeat before another instance
 *        may take the lock over; also the age after which a write's leftover {@code .tmp-} entry is removed
 */
@Validated
@ConfigurationProperties(prefix = "visage.models", ignoreUnknownFields = false)
public record ModelStoreProperties(
        @NotNull @DefaultValue("models") Path dir,
        @Min(1) @DefaultValue("5") int keep,
        @NotNull @DefaultValue("2s") Duration pollInterval,
        @NotNull @DefaultValue("60s") Duration lockStaleAfter) {

    public ModelStoreProperties {
        if (pollInterval != null && (pollInterval.isNegative() || pollInterval.toMillis() < 10)) {
            throw new IllegalArgumentException(
                    "visage.models.poll-interval must be at least 10ms, not " + pollInterval);
        }
        if (lockStaleAfter != null && lockStaleAfter.toMillis() < 600) {
            throw new IllegalArgumentException(
                    "visage.models.lock-stale-after must be at least 600ms, not " + lockStaleAfter);
        }
    }
}
