package dev.visage.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The images the container tests build the application image with (a JDK 17) and on (a Debian bookworm), so that
 * {@code ./mvnw -B verify} passes wherever a Docker engine answers, registry or not. In order: the ones named by
 * {@code -Dvisage.docker.jdk-image} and {@code -Dvisage.docker.base-image}; the public ones when they are here or
 * can be pulled; the Debian-built ones of {@code .ci/docker.sh}, built by that script when missing. Without an
 * engine, or when none of these can be had, the tests are skipped with a line that says why and what runs them.
 */
public final class BaseImages implements ExecutionCondition {

    private static final Logger log = LoggerFactory.getLogger(BaseImages.class);
    private static final Names PUBLIC = new Names("eclipse-temurin:17-jdk", "debian:bookworm-slim");
    private static final Names LOCAL = new Names("visage/jdk17:local", "visage/debian-bookworm:slim");
    private static final Duration PULL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    private static final String HOW_TO_RUN = "`bash .ci/run` starts an engine and builds local base images";

    /** A JDK image to build with and a Debian image to run on. */
    public record Names(String jdk, String base) {
        Stream<String> both() {
            return Stream.of(jdk, base);
        }
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        String reason = "Container tests skipped: no Docker engine answers (" + HOW_TO_RUN + ")";
        // On the console, not only in the reports: whoever runs the build sees what did not run.
        System.out.println("[WARNING] " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    /** The images to use; aborts (skips) the calling test when none can be had. */
    public static Names resolve() {
        Names named = new Names(
                System.getProperty("visage.docker.jdk-image", ""), System.getProperty("visage.docker.base-image", ""));
        if (named.both().noneMatch(String::isBlank)) {
            return named;
        }
        DockerClient docker = DockerClientFactory.instance().client();
        for (Names names : new Names[] {PUBLIC, LOCAL}) {
            if (names.both().allMatch(image -> present(docker, image))) {
                return names;
            }
        }
        if (PUBLIC.both().allMatch(image -> pulled(docker, image))) {
            return PUBLIC;
        }
        log.warn(
                "The public base images cannot be pulled: building {} and {} from Debian packages",
                LOCAL.jdk,
                LOCAL.base);
        boolean built = buildLocal();
        Assumptions.assumeTrue(
                built && LOCAL.both().allMatch(image -> present(docker, image)),
                "Container tests skipped: no base image could be pulled or built (" + HOW_TO_RUN + ")");
        return LOCAL;
    }

    private static boolean present(DockerClient docker, String image) {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException missing) {
            return false;
        }
    }

    private static boolean pulled(DockerClient docker, String image) {
        try (PullImageResultCallback pull = docker.pullImageCmd(image).exec(new PullImageResultCallback())) {
            return pull.awaitCompletion(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS) && present(docker, image);
        } catch (Exception unreachable) {
            log.info("Cannot pull {}: {}", image, unreachable.toString());
            return false;
        }
    }

    /** {@code .ci/docker.sh up}: installs debootstrap if needed (root), then builds the two images. */
    private static boolean buildLocal() {
        try {
            Process script = new ProcessBuilder(
                            "bash", Path.of(".ci", "docker.sh").toString(), "up")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!script.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                script.destroyForcibly();
                return false;
            }
            return script.exitValue() == 0;
        } catch (Exception failed) {
            log.warn("Building the local base images failed", failed);
            return false;
        }
    }
}
