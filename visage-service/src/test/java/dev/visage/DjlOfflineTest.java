package dev.visage;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Platform;
import ai.djl.util.Utils;
import dev.visage.system.DjlEnvironment;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * DJL runs offline: {@link DjlEnvironment} sets the switches (without overriding explicit ones), and the engine
 * loads LibTorch from the {@code pytorch-native-cpu} jar on the classpath rather than from a download.
 */
class DjlOfflineTest {

    private static final List<String> KEYS = List.of(
            "ai.djl.offline", "OPT_OUT_TRACKING", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads");

    @Test
    void configureSetsMissingSwitchesAndKeepsExplicitOnes() {
        Map<String, String> saved = new HashMap<>();
        KEYS.forEach(key -> saved.put(key, System.getProperty(key)));
        try {
            KEYS.forEach(System::clearProperty);

            DjlEnvironment.configure();

            assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
            assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
            assertThat(System.getProperty("ai.djl.pytorch.num_threads"))
                    .isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
            assertThat(System.getProperty("ai.djl.pytorch.num_interop_threads")).isEqualTo("1");

            System.setProperty("ai.djl.offline", "false");
            System.setProperty("ai.djl.pytorch.num_threads", "7");
            DjlEnvironment.configure();

            assertThat(System.getProperty("ai.djl.offline")).isEqualTo("false");
            assertThat(System.getProperty("ai.djl.pytorch.num_threads")).isEqualTo("7");
        } finally {
            saved.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }

    @Test
    void engineIsPyTorch271LoadedOfflineFromTheClasspathJar() throws IOException {
        Engine engine = DjlEnvironment.loadEngine();

        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        assertThat(Utils.isOfflineMode()).isTrue();
        assertThat(engine.getEngineName()).isEqualTo("PyTorch");
        assertThat(engine.getVersion()).isEqualTo("2.7.1");

        // The native jar on the classpath carries the libraries (it is not a placeholder that would download them).
        URL properties = Thread.currentThread().getContextClassLoader().getResource("native/lib/pytorch.properties");
        assertThat(properties).isNotNull();
        assertThat(properties.toString()).startsWith("jar:file:").contains("pytorch-native-cpu-2.7.1-linux-x86_64.jar");
        Platform platform = Platform.detectPlatform("pytorch");
        assertThat(platform.isPlaceholder()).isFalse();
        assertThat(platform.getVersion()).startsWith("2.7.1");
        assertThat(platform.getFlavor()).isEqualTo("cpu");

        // The LibTorch in use is the jar's copy, byte for byte the same size.
        Path libtorch = Path.of(LibUtils.getLibtorchPath());
        String jar = properties
                .toString()
                .substring("jar:file:".length(), properties.toString().indexOf("!/"));
        try (JarFile nativeJar = new JarFile(jar)) {
            for (String library : platform.getLibraries()) {
                ZipEntry entry = nativeJar.getEntry("pytorch/cpu/linux-x86_64/" + library);
                assertThat(entry).as(library).isNotNull();
                Path loaded = libtorch.resolve(library);
                assertThat(loaded).exists();
                assertThat(Files.size(loaded)).as(library).isEqualTo(entry.getSize());
            }
        }
    }

    @Test
    void aSmallComputationRuns() {
        DjlEnvironment.loadEngine();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray b = manager.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));

            assertThat(a.matMul(b).toFloatArray()).containsExactly(19, 22, 43, 50);
            assertThat(a.sum().getFloat()).isEqualTo(10f);
        }
    }
}
