package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.visage.dataset.PeopleSelection;
import dev.visage.network.NetworkConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class TrainingPropertiesTest {

    private static TrainingProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("visage.training", TrainingProperties.class);
    }

    @Test
    void peopleIsANumberOrCommaSeparatedNames() {
        assertThat(bind(Map.of()).people()).isEqualTo(PeopleSelection.top(10));
        assertThat(bind(Map.of("visage.training.people", "7")).people()).isEqualTo(PeopleSelection.top(7));
        assertThat(bind(Map.of("visage.training.people", " Ann_Lee , Bob ")).people())
                .isEqualTo(PeopleSelection.named(List.of("Ann_Lee", "Bob")));
        for (String wrong : List.of("1", "Ann", "Ann,Ann", "Ann,,Bob")) {
            assertThatThrownBy(() -> bind(Map.of("visage.training.people", wrong)))
                    .as(wrong)
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("visage.training.people");
        }
    }

    @Test
    void theRecipeAugmentsUnlessToldNotTo() {
        TrainingConfig standard = bind(Map.of()).toConfig(NetworkConfig.SEED);
        TrainingConfig plain = bind(Map.of("visage.training.augment", "false")).toConfig(NetworkConfig.SEED);

        assertThat(standard.augmentation()).isEqualTo(TrainingConfig.Augmentation.STANDARD);
        assertThat(plain.augmentation()).isEqualTo(TrainingConfig.Augmentation.NONE);
        assertThat(List.of(standard.openSet(), plain.openSet())).containsOnly(TrainingConfig.OpenSet.STANDARD);
    }
}
