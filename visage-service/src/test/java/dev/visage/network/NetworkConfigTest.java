package dev.visage.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkConfigTest {

    @Test
    void presetsUseMultiplesOfTheChannelBlock() {
        assertThat(NetworkConfig.SEED.channels()).containsExactly(16, 32, 64);
        assertThat(NetworkConfig.STRONG.channels()).allMatch(c -> c % NetworkConfig.CHANNEL_MULTIPLE == 0);
    }

    @Test
    void refusesChannelCountsTheEngineComputesWrongly() {
        assertThatThrownBy(() -> new NetworkConfig(List.of(16, 8), 16, 0f, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiples of 16, not [16, 8]");
    }

    @Test
    void refusesEmptyOrNonPositiveShapes() {
        assertThatThrownBy(() -> new NetworkConfig(List.of(), 16, 0f, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkConfig(List.of(16), 0, 0f, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetworkConfig(List.of(16), 16, 1f, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void featureSideHalvesPerBlock() {
        assertThat(NetworkConfig.SEED.featureSide(64)).isEqualTo(8);
        assertThatThrownBy(() -> NetworkConfig.SEED.featureSide(60)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStoredNetworkWithoutTheHeadFieldHasALinearHeadAndACosineHeadIsKept() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        NetworkConfig stored = json.readValue(
                "{\"channels\":[16,32],\"hiddenUnits\":64,\"dropout\":0.3,\"batchNorm\":true}", NetworkConfig.class);
        NetworkConfig cosine = new NetworkConfig(List.of(16), 32, 0f, true, true);

        assertThat(stored).isEqualTo(new NetworkConfig(List.of(16, 32), 64, 0.3f, true));
        assertThat(stored.cosineHead()).isFalse();
        assertThat(json.readValue(json.writeValueAsString(cosine), NetworkConfig.class))
                .isEqualTo(cosine);
    }
}
