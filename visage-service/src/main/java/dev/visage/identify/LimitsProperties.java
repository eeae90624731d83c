package dev.visage.identify;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.limits.*}: what one request may hold, and for how long.
 *
 * @param uploadMemory bytes of upload buffers in flight at once (503 beyond); 0 means 20% of the maximum heap
 * @param decodeMemory bytes of decoded pixels in flight at once (503 beyond); 0 means 20% of the maximum heap
 * @param uploadTimeout longest time a client may take to send a whole multipart body (408 beyond)
 * @param maxParts most parts in one multipart body (413 beyond)
 */
@Validated
@ConfigurationProperties(prefix = "visage.limits", ignoreUnknownFields = false)
public record LimitsProperties(
        @NotNull @DefaultValue("0") DataSize uploadMemory,
        @NotNull @DefaultValue("0") DataSize decodeMemory,
        @NotNull @DefaultValue("20s") Duration uploadTimeout,
        @Min(1) @DefaultValue("10") int maxParts) {

    /** Share of the maximum heap that each budget gets by default. */
    static final double DEFAULT_HEAP_SHARE = 0.2;

    static long bytes(DataSize configured) {
        long bytes = configured.toBytes();
        return bytes > 0 ? bytes : (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_SHARE);
    }
}
