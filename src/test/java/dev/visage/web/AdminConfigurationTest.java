package dev.visage.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class AdminConfigurationTest {

    private static final Pattern GENERATED =
            Pattern.compile("Admin token not set; generated one for this run: ([A-Za-z0-9_-]+)");

    @Test
    void generatesARandomTokenAndLogsItOnceWhenNoneIsSet(CapturedOutput output) {
        new WebApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .run(context -> assertThat(context).hasNotFailed());

        Matcher logged = GENERATED.matcher(output);
        assertThat(logged.find()).isTrue();
        assertThat(logged.group(1)).hasSize(43);
        assertThat(logged.find()).isFalse();
    }

    @Test
    void usesTheConfiguredToken(CapturedOutput output) {
        new WebApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .withPropertyValues("visage.admin.token=s3cret")
                .run(context -> assertThat(context).hasNotFailed());

        assertThat(output).doesNotContain("Admin token not set");
    }

    @Test
    void needsProtectedPaths() {
        new WebApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .withPropertyValues("visage.admin.token=s3cret", "visage.admin.protected-paths=")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void staysOutOfTheTrainCommand(CapturedOutput output) {
        new ApplicationContextRunner()
                .withUserConfiguration(AdminConfiguration.class)
                .run(context -> assertThat(context).doesNotHaveBean(AdminConfiguration.class));

        assertThat(output).doesNotContain("Admin token not set");
    }
}
