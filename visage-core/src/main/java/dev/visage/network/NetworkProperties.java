package dev.visage.network;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.network.*}: the network to train. A preset, with optional overrides of its parts.
 *
 * @param preset {@code seed} (Conv-ReLU-Pool x3, FC 128) or {@code strong} (BatchNorm, four blocks)
 * @param channels overrides the preset's channels per convolution block
 * @param hiddenUnits overrides the width of the hidden fully connected layer
 * @param dropout overrides the dropout rate before the output layer
 */
@Validated
@ConfigurationProperties(prefix = "visage.network", ignoreUnknownFields = false)
public record NetworkProperties(
        @NotNull @DefaultValue("seed") Preset preset,
        List<@Min(1) Integer> channels,
        @Min(1) Integer hiddenUnits,
        @DecimalMin("0.0") @DecimalMax("0.95") Float dropout) {

    /** The named network shapes. */
    public enum Preset {
        SEED(NetworkConfig.SEED),
        STRONG(NetworkConfig.STRONG);

        private final NetworkConfig config;

        Preset(NetworkConfig config) {
            this.config = config;
        }
    }

    public NetworkConfig toConfig() {
        NetworkConfig base = preset.config;
        return new NetworkConfig(
                channels == null || channels.isEmpty() ? base.channels() : channels,
                hiddenUnits == null ? base.hiddenUnits() : hiddenUnits,
                dropout == null ? base.dropout() : dropout,
                base.batchNorm());
    }
}
