package dev.visage.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** A mistyped {@code visage.*} setting stops the service at start instead of being silently ignored. */
class UnknownSettingsTest {

    private static final List<String> PREFIXES = List.of(
            "visage.admin",
            "visage.detection",
            "visage.gate",
            "visage.identify",
            "visage.jobs",
            "visage.lfw",
            "visage.limits",
            "visage.models",
            "visage.network",
            "visage.training");

    @Configuration(proxyBeanMethods = false)
    @ConfigurationPropertiesScan("dev.visage")
    static class AllSettings {}

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(AllSettings.class);

    @Test
    void everyKnownSettingBinds() {
        runner.withPropertyValues("visage.network.dropout=0.2", "visage.detection.proposals=none")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aMistypedSettingUnderAnyPrefixFailsTheStart() {
        for (String prefix : PREFIXES) {
            runner.withPropertyValues(prefix + ".no-such-setting=1")
                    .run(context -> assertThat(context)
                            .as(prefix)
                            .hasFailed()
                            .getFailure()
                            .rootCause()
                            .hasMessageContaining(prefix + ".no-such-setting"));
        }
    }
}
