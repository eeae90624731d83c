package dev.visage.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Mutual exclusion for the store's short read-modify-write steps (promotions, roll-backs, deletions, the training
 * lock) among every instance that shares the folder: an operating-system lock on {@code lifecycle.lock}, which the
 * kernel (or the NFS lock manager) releases when its process dies, so it never goes stale. Within one JVM a
 * {@link ReentrantLock} per folder comes first, since the file lock belongs to the whole process.
 */
public final class StoreMutex {

    static final String FILE = "lifecycle.lock";

    private static final ConcurrentMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock local;

    public StoreMutex(Path root) {
        Path absolute = root.toAbsolutePath().normalize();
        this.file = absolute.resolve(FILE);
        this.local = IN_THIS_JVM.computeIfAbsent(absolute, folder -> new ReentrantLock());
    }

    /** A step that reads and writes the store's files. */
    @FunctionalInterface
    public interface Step<T> {
        T run() throws IOException;
    }

    /** Runs {@code step} while no other thread or process that shares the folder runs one. Reentrant. */
    public <T> T run(Step<T> step) throws IOException {
        if (local.isHeldByCurrentThread()) {
            return step.run();
        }
        local.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock held = channel.lock()) {
                return step.run();
            }
        } finally {
            local.unlock();
        }
    }
}
