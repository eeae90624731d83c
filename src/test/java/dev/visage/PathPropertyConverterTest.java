package dev.visage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.visage.dataset.LfwProperties;
import dev.visage.store.ModelStoreProperties;

class PathPropertyConverterTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({LfwProperties.class, ModelStoreProperties.class})
    @Import(PathPropertyConverter.class)
    static class Folders {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Folders.class);

    @Test
    void bindsRelativeFoldersThatClimbOutOfTheWorkingDirectory() {
        context.withPropertyValues("visage.lfw.dir=../shared/lfw/lfw-deepfunneled", "visage.models.dir=../models")
                .run(run -> {
                    assertThat(run).hasNotFailed();
                    assertThat(run.getBean(LfwProperties.class).dir())
                            .isEqualTo(Path.of("../shared/lfw/lfw-deepfunneled"));
                    assertThat(run.getBean(ModelStoreProperties.class).dir()).isEqualTo(Path.of("../models"));
                });
    }

    @Test
    void bindsDefaultsAndAbsoluteFolders() {
        context.withPropertyValues("visage.lfw.dir=/data/lfw/lfw-deepfunneled").run(run -> {
            assertThat(run.getBean(LfwProperties.class).dir()).isEqualTo(Path.of("/data/lfw/lfw-deepfunneled"));
            assertThat(run.getBean(ModelStoreProperties.class).dir()).isEqualTo(Path.of("models"));
        });
    }
}
