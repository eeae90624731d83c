package dev.visage.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/** A mistyped {@code visage.*} setting stops the service at start instead of being silently ignored. */
class UnknownSettingsTest {

    /** The root prefix holds single keys of its own; every other prefix refuses keys it does not know. */
    private static final String ROOT = "visage";

    @Configuration(proxyBeanMethods = false)
    @ConfigurationPropertiesScan("dev.visage")
    static class AllSettings {}

    private final ApplicationContextRunner runner =
            new ApplicationContextRunner().withUserConfiguration(AllSettings.class);

    /** The prefix of every {@code @ConfigurationProperties} record of the application but the root. */
    private static List<String> prefixes() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        return scanner.findCandidateComponents("dev.visage").stream()
                .map(candidate -> ClassUtils.resolveClassName(candidate.getBeanClassName(), null))
                .map(type -> AnnotatedElementUtils.getMergedAnnotation(type, ConfigurationProperties.class))
                .map(ConfigurationProperties::prefix)
                .filter(prefix -> !prefix.equals(ROOT))
                .sorted()
                .toList();
    }

    @Test
    void everyKnownSettingBinds() {
        runner.withPropertyValues("visage.network.dropout=0.2", "visage.detection.proposals=none")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aMistypedSettingUnderAnyPrefixFailsTheStart() {
        List<String> prefixes = prefixes();
        assertThat(prefixes).contains("visage.detection", "visage.identify", "visage.network", "visage.training");
        for (String prefix : prefixes) {
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
