package dev.visage.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class NativeAllocatorTest {

    @TempDir
    Path folder;

    @Test
    void aPlainLaunchRunsAgainWithTheSettingsAsTheSameProcess() throws Exception {
        List<String> lines = runProbe(Map.of());

        long pid = Long.parseLong(lines.get(0).replaceAll("pid=(\\d+).*", "$1"));
        assertThat(lines)
                .containsExactly(
                        "pid=" + pid + " argument=a b ü arena=null trim=null",
                        "pid=" + pid + " argument=a b ü arena=1 trim=536870912",
                        "port free again",
                        "running");
    }

    @Test
    void aSettingGivenByTheUserIsKept() throws Exception {
        List<String> lines = runProbe(Map.of("MALLOC_ARENA_MAX", "2"));

        assertThat(lines.get(1)).endsWith("arena=2 trim=536870912");
    }

    @Test
    void allSettingsGivenMeanNoRelaunch() throws Exception {
        List<String> lines = runProbe(Map.of(
                "MALLOC_ARENA_MAX", "1",
                "MALLOC_MMAP_THRESHOLD_", "33554432",
                "MALLOC_TRIM_THRESHOLD_", "536870912"));

        assertThat(lines).hasSize(2).last().isEqualTo("running");
    }

    private List<String> runProbe(Map<String, String> settings) throws IOException, InterruptedException {
        ProcessBuilder launch = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElseThrow(),
                        "-Dfile.encoding=UTF-8",
                        "-cp",
                        System.getProperty("java.class.path"),
                        RelaunchProbe.class.getName(),
                        folder.resolve("port").toString(),
                        "a b ü")
                .redirectErrorStream(true);
        launch.environment().keySet().removeIf(name -> name.startsWith("MALLOC_"));
        launch.environment().putAll(settings);
        Process probe = launch.start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(output).isZero();
        return output.lines().toList();
    }
}
