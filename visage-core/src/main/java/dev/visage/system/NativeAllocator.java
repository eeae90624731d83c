package dev.visage.system;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps LibTorch's tensor memory in the process between training steps and requests.
 *
 * <p>With glibc's defaults each multi-megabyte activation came from memory that was given back to the kernel
 * when freed, so every step faulted its activations in again and training spent much of its time in the kernel
 * (docs/benchmarks.md has the figures). A fixed mmap threshold above the largest activation, a high trim
 * threshold and one malloc arena end that. The arena limit binds only arenas made after it is set, and the JVM's
 * threads have theirs before {@code main} runs, so set in-process it came too late in some runs: {@link
 * #relaunchWithSettings()} gives the process the {@code MALLOC_*} variables from its start, however Visage is
 * launched. A {@code MALLOC_*} variable already in the environment wins over the value here.
 */
public final class NativeAllocator {

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
        int F_SETFD = 2;
        int FD_CLOEXEC = 1;

        int mallopt(int parameter, int value);

        int fcntl(int descriptor, int command, int argument);

        int execve(String path, String[] arguments, String[] environment);
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
     * On Linux, when the environment lacks any of the settings, replaces this process by the same command line with
     * them added to its environment ({@code execve}: the same process id, standard streams and arguments; every
     * other open file is closed, so ports the JVM opened before {@code main} are free again). Call it first thing in
     * {@code main}: the JVM starts again, which costs its start-up time once. Returns only where no relaunch is
     * needed or possible; {@link #configure()} then sets what it can in-process.
     */
    public static void relaunchWithSettings() {
        if (allFromEnvironment() || !Platform.isLinux()) {
            return;
        }
        try {
            List<String> commandLine = commandLine();
            String program = Files.readSymbolicLink(Path.of("/proc/self/exe")).toString();
            C c = Native.load("c", C.class);
            closeOnExec(c);
            c.execve(program, commandLine.toArray(String[]::new), environmentWithSettings());
            log.warn(
                    "Cannot relaunch with the allocator settings (errno {}); training may run slower",
                    Native.getLastError());
        } catch (IOException | LinkageError e) {
            log.warn("Cannot relaunch with the allocator settings ({}); training may run slower", e.toString());
        }
    }

    /** This process's arguments as the kernel keeps them, the program name first. */
    private static List<String> commandLine() throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        // JNA encodes the arguments back in its default encoding: decode them in that one.
        Charset encoding = Charset.forName(Native.getDefaultStringEncoding());
        String text = new String(bytes, 0, Math.max(0, bytes.length - 1), encoding);
        return List.of(text.split(String.valueOf((char) 0), -1));
    }

    private static String[] environmentWithSettings() {
        Map<String, String> environment = new TreeMap<>(System.getenv());
        for (Option option : Option.values()) {
            environment.putIfAbsent(option.environmentVariable, String.valueOf(option.value));
        }
        return environment.entrySet().stream()
                .map(variable -> variable.getKey() + "=" + variable.getValue())
                .toArray(String[]::new);
    }

    /** Marks every open file but the standard streams to be closed by execve. */
    private static void closeOnExec(C c) throws IOException {
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors.toList()) {
                int number = Integer.parseInt(descriptor.getFileName().toString());
                if (number > 2) {
                    c.fcntl(number, C.F_SETFD, C.FD_CLOEXEC);
                }
            }
        }
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
