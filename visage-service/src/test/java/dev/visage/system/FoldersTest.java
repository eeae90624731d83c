package dev.visage.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldersTest {

    @TempDir
    Path root;

    /** Two instances on one store removing the same leftover at once: neither fails, and it is gone. */
    @Test
    void twoDeletingTheSameTreeAtOnceBothReturnQuietly() throws Exception {
        for (int round = 0; round < 20; round++) {
            Path tree = Files.createDirectories(root.resolve("leftover-" + round));
            for (int i = 0; i < 200; i++) {
                Files.writeString(
                        Files.createDirectories(tree.resolve("d" + i % 10)).resolve("f" + i), "x");
            }
            CyclicBarrier start = new CyclicBarrier(2);
            Runnable delete = () -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                Folders.deleteRecursively(tree);
            };
            CompletableFuture.allOf(CompletableFuture.runAsync(delete), CompletableFuture.runAsync(delete))
                    .get();
            assertThat(tree).doesNotExist();
        }
    }
}
