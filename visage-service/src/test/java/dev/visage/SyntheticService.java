package dev.visage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole service on random ports (API and management), as it starts in production: no model in its store, a
 * synthetic LFW folder of 3 people, so it trains a small model on start-up (a few seconds) and then serves it.
 * Test classes with this annotation share one application context. Uploads are limited to 2 MB and 10 parts, a
 * body must arrive within 5 s, and 5 wrong admin tokens a minute are allowed.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visage.lfw.download=false",
            "visage.train-on-startup=true",
            "visage.training.people=3",
            "visage.training.epochs=6",
            "visage.training.batch-size=4",
            "visage.training.weight-decay=0",
            "visage.training.learning-rate=0.004",
            "visage.training.warmup-epochs=1",
            "visage.training.augment=false",
            "visage.network.channels=16,16",
            "visage.network.hidden-units=32",
            "visage.network.dropout=0",
            "visage.identify.max-bytes=2MB",
            "visage.identify.min-confidence=0",
            "visage.limits.upload-timeout=5s",
            "visage.limits.max-parts=10",
            "visage.admin.token=" + SyntheticService.ADMIN_TOKEN,
            "visage.admin.max-failures=5",
            "management.prometheus.metrics.export.enabled=true"
        })
@ContextConfiguration(initializers = SyntheticService.Folders.class)
public @interface SyntheticService {

    String ADMIN_TOKEN = "synthetic-service-admin-token";

    /** People in the synthetic LFW folder, and so in the model. */
    int PEOPLE = 3;

    /** Writes the synthetic LFW folder once per JVM and points the service at it and at an empty model store. */
    final class Folders implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        private static Path root;

        static synchronized Path root() {
            if (root == null) {
                try {
                    root = TemporaryFolders.untilExit("visage-synthetic-service");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                SyntheticLfw.write(root.resolve("lfw"), PEOPLE, 20, 42);
            }
            return root;
        }

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            TestPropertyValues.of(
                            "visage.lfw.dir=" + root().resolve("lfw"), "visage.models.dir=" + root().resolve("models"))
                    .applyTo(context);
        }
    }
}
