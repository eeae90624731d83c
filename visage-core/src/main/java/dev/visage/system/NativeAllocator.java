package dev.visage.system;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps LibTorch's tensor memory in the process between training steps and requests.
 *
 * <p>With glibc's defaults each multi-megabyte activation came from memory that was given back to the kernel
 * when freed, so every step faulted its activations in again and training spent much of its time in the kernel
 * (docs/benchmarks.md has the figures). A fixed mmap threshold above the largest activation, a high trim
 * threshold and one malloc arena end that. Set through {@code mallopt} at start-up, so it holds however Visage
 * is launched. The arena limit
 * binds only arenas made after that, and the JVM's threads have theirs already, so the first epochs can still
 * fault: the Docker image also sets {@code MALLOC_ARENA_MAX} from the start. A {@code MALLOC_*} environment
 * variable wins over the value here.
 */
final class NativeAllocator {

    private static final Logger log = LoggerFactory.getLogger(NativeAllocator.class);

    /** glibc's mallopt parameters, from malloc.h. */
    private enum Option {
        TRIM_THRESHOLD(-1, "MALLOC_TRIM_THRESHOLD_", 512 << 20),
        MMAP_THRESHOLD(-3, "MALLOC_MMAP_THRESHOLD_", 32 << 20),
        ARENA_MAX(-8, "MALLOC_ARENA_MAX", 1);

        private final int parameter;
        private final String environmentVariable;
        private final int value;

        Option(int parameter, String environmentVariable, int value) {
            this.parameter = parameter;
            this.environmentVariable = environmentVariable;
            this.value = value;
        }
    }

    private interface C extends Library {
        int mallopt(int parameter, int value);
    }

    private static final AtomicBoolean configured = new AtomicBoolean();

    private NativeAllocator() {}

    /** Whether every setting is given as an environment variable, so glibc applies them itself. */
    static boolean allFromEnvironment() {
        for (Option option : Option.values()) {
            if (System.getenv(option.environmentVariable) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Applies the settings once per process; a no-op off Linux, where the C library has no mallopt, or where every
     * setting comes from the environment already (as in the Docker image): then JNA, which unpacks its native
     * library into an executable temporary folder, is not loaded at all, so a read-only root file system works.
     */
    static void configure() {
        if (allFromEnvironment() || !Platform.isLinux() || configured.getAndSet(true)) {
            return;
        }
        try {
            C c = Native.load("c", C.class);
            for (Option option : Option.values()) {
                if (System.getenv(option.environmentVariable) == null
                        && c.mallopt(option.parameter, option.value) != 1) {
                    log.warn("The C library refused mallopt {}={}", option, option.value);
                }
            }
        } catch (LinkageError e) {
            log.warn("Cannot tune the native allocator ({}); training may run slower", e.toString());
        }
    }
}
