package dev.visage.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.visage.store.ModelStore;
import dev.visage.store.StoreTestModels;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Bad weights never serve: at start-up the newest good version stands in for a refused current one, readiness is
 * down only when none is good, and a running instance follows the store's current version without ever swapping
 * in a refused one.
 */
@ExtendWith(OutputCaptureExtension.class)
class CurrentModelFallbackTest {

    @TempDir
    Path root;

    private ModelStore store;
    private CurrentModel model;

    @BeforeEach
    void store() {
        store = new ModelStore(root, 10);
    }

    @AfterEach
    void close() {
        if (model != null) {
            model.destroy();
        }
    }

    private static void truncate(Path file) throws IOException {
        try (RandomAccessFile weights = new RandomAccessFile(file.toFile(), "rw")) {
            weights.setLength(weights.length() / 3);
        }
    }

    private static void scribble(Path file) throws IOException {
        byte[] noise = new byte[256];
        new Random(7).nextBytes(noise);
        try (RandomAccessFile weights = new RandomAccessFile(file.toFile(), "rw")) {
            weights.seek(weights.length() / 2);
            weights.write(noise);
        }
    }

    private Health health() {
        return new ModelHealthIndicator(model, store).health();
    }

    @Test
    void aTruncatedCurrentVersionIsRefusedAndTheNewestGoodOneServesInstead() throws IOException {
        StoreTestModels.storeCurrent(store);
        String good = StoreTestModels.storeCurrent(store).version();
        String current = StoreTestModels.storeCurrent(store).version();
        truncate(StoreTestModels.parameters(store, current));

        model = new CurrentModel(store);

        assertThat(model.version()).contains(good);
        assertThat(model.refusals()).containsOnlyKeys(current);
        assertThat(model.refusals().get(current)).contains("visage-0000.params has SHA-256");
        assertThat(store.currentVersion())
                .as("the store is left to the operator")
                .contains(current);
        Health health = health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails())
                .containsEntry("version", good)
                .containsEntry("current", current)
                .containsKey("fallback")
                .containsKey("refused");
        model.acquire().release();
    }

    @Test
    void randomBytesInsideTheWeightsNeverServe() throws IOException {
        String good = StoreTestModels.storeCurrent(store).version();
        String current = StoreTestModels.storeCurrent(store).version();
        scribble(StoreTestModels.parameters(store, current));

        model = new CurrentModel(store);

        assertThat(model.version()).contains(good);
        assertThat(model.refusals()).containsOnlyKeys(current);
    }

    @Test
    void readinessIsDownOnlyWhenNoVersionIsGood() throws IOException {
        String only = StoreTestModels.storeCurrent(store).version();
        truncate(StoreTestModels.parameters(store, only));

        model = new CurrentModel(store);

        assertThat(model.version()).isEmpty();
        assertThatExceptionOfType(ModelNotReadyException.class).isThrownBy(model::acquire);
        Health health = health();
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails())
                .containsEntry("reason", "no stored model passes its checks and self-test")
                .containsKey("refused");
    }

    @Test
    void followsTheStoresCurrentVersionButNeverIntoARefusedOne() throws IOException {
        String first = StoreTestModels.storeCurrent(store).version();
        model = new CurrentModel(store);
        assertThat(model.version()).contains(first);

        // Another instance promotes a new version: this one follows.
        String second = StoreTestModels.storeCurrent(new ModelStore(root, 10)).version();
        model.serveCurrent();
        assertThat(model.version()).contains(second);
        assertThat(health().getDetails()).doesNotContainKeys("current", "refused");

        // A damaged version made current is refused and not retried while its files stay as they are.
        String damaged = StoreTestModels.storeCandidate(store).version();
        StoreTestModels.rewriteWeights(store, damaged, StoreTestModels::negateLastLayer);
        store.promote(damaged, "test");
        model.serveCurrent();
        model.serveCurrent();
        assertThat(model.version()).contains(second);
        assertThat(model.refusals()).containsOnlyKeys(damaged);
        assertThat(model.refusals().get(damaged)).startsWith("self-test: ");
        assertThat(health().getDetails()).containsEntry("current", damaged);

        // Rolled back: nothing to do, and the refused version stays listed for the operator.
        store.rollBack(second);
        model.serveCurrent();
        assertThat(model.version()).contains(second);
        assertThat(model.refusals()).isEqualTo(Map.of(damaged, model.refusals().get(damaged)));
    }

    @Test
    void pollingAnEmptyOrHopelessStoreSaysSoOnce(CapturedOutput output) throws IOException {
        model = new CurrentModel(store);
        model.serveCurrent();
        model.serveCurrent();
        assertThat(output.getOut().split("No model in " + root + " yet", -1)).hasSize(2);

        String only = StoreTestModels.storeCurrent(store).version();
        truncate(StoreTestModels.parameters(store, only));
        model.serveCurrent();
        model.serveCurrent();
        model.serveCurrent();
        assertThat(output.getOut().split("No stored model in " + root + " passes its checks", -1))
                .hasSize(2);
        assertThat(output.getOut().split("Model " + only + " cannot serve", -1)).hasSize(2);
    }

    @Test
    void aVersionRefusedOnceIsTriedAgainWhenItsFilesChange() throws IOException {
        String good = StoreTestModels.storeCurrent(store).version();
        String later = StoreTestModels.storeCandidate(store).version();
        Path weights = StoreTestModels.parameters(store, later);
        byte[] original = java.nio.file.Files.readAllBytes(weights);
        scribble(weights);
        model = new CurrentModel(store);
        store.promote(later, "test");
        model.serveCurrent();
        assertThat(model.version()).contains(good);

        java.nio.file.Files.write(weights, original);
        model.serveCurrent();

        assertThat(model.version()).contains(later);
        assertThat(model.refusals()).isEmpty();
    }
}
