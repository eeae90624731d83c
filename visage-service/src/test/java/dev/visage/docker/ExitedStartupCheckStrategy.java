package dev.visage.docker;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;

/** A container that is expected to stop by itself: "started" once it has exited, whatever its exit code. */
final class ExitedStartupCheckStrategy extends StartupCheckStrategy {

    ExitedStartupCheckStrategy(Duration timeout) {
        withTimeout(timeout);
    }

    @Override
    public StartupStatus checkStartupState(DockerClient dockerClient, String containerId) {
        return Boolean.TRUE.equals(getCurrentState(dockerClient, containerId).getRunning())
                ? StartupStatus.NOT_YET_KNOWN
                : StartupStatus.SUCCESSFUL;
    }
}
