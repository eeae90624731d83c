package dev.visage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promotion, roll-back, rejection, deletion and fall-back order, as recorded in {@code lifecycle.json}. */
class ModelLifecycleTest {

    @TempDir
    Path root;

    private ModelStore store;

    @BeforeEach
    void store() {
        store = new ModelStore(root, 10);
    }

    @Test
    void rollBackGoesToEachPreviousCurrentInTurn() {
        String v1 = StoreTestModels.storeCurrent(store).version();
        String v2 = StoreTestModels.storeCurrent(store).version();
        String v3 = StoreTestModels.storeCurrent(store).version();
        assertThat(store.lifecycle().promoted()).containsExactly(v1, v2, v3);

        assertThat(store.rollbackTarget()).contains(v2);
        store.rollBack(v2);
        assertThat(store.currentVersion()).contains(v2);
        assertThat(store.rollbackTarget()).contains(v1);

        store.rollBack(v1);
        assertThat(store.currentVersion()).contains(v1);
        assertThat(store.rollbackTarget()).isEmpty();
        assertThatExceptionOfType(ModelConflictException.class)
                .isThrownBy(() -> store.rollBack(v1))
                .withMessageContaining("No earlier version");
        assertThat(store.lifecycle().events())
                .extracting(Lifecycle.Event::action)
                .containsExactly("promote", "promote", "promote", "rollback", "rollback");
    }

    @Test
    void rollBackRefusesATargetThatChangedMeanwhile() {
        String v1 = StoreTestModels.storeCurrent(store).version();
        String v2 = StoreTestModels.storeCurrent(store).version();
        StoreTestModels.storeCurrent(store);

        assertThatExceptionOfType(ModelConflictException.class)
                .isThrownBy(() -> store.rollBack(v1))
                .withMessageContaining("now goes to " + v2);
    }

    @Test
    void candidatesAndRejectedVersionsAreNeitherRollBackTargetsNorFallbacks() {
        String v1 = StoreTestModels.storeCurrent(store).version();
        String v2 = StoreTestModels.storeCurrent(store).version();
        String candidate = StoreTestModels.storeCandidate(store).version();
        String rejected = StoreTestModels.storeCandidate(store).version();
        store.reject(rejected, "test accuracy too low");

        assertThat(store.currentVersion()).contains(v2);
        assertThat(store.rollbackTarget()).contains(v1);
        assertThat(store.fallbacks()).containsExactly(v1);
        assertThat(store.lifecycle().rejected()).containsEntry(rejected, "test accuracy too low");
        assertThat(store.versions()).contains(candidate, rejected);

        store.promote(rejected, "force");
        assertThat(store.lifecycle().rejected()).doesNotContainKey(rejected);
        assertThat(store.fallbacks()).containsExactly(v2, v1);
    }

    @Test
    void deletesAnyVersionButTheCurrentOne() {
        String v1 = StoreTestModels.storeCurrent(store).version();
        String v2 = StoreTestModels.storeCurrent(store).version();

        assertThatExceptionOfType(ModelConflictException.class)
                .isThrownBy(() -> store.delete(v2))
                .withMessageContaining("is current");
        store.delete(v1);

        assertThat(store.versions()).containsExactly(v2);
        assertThat(store.lifecycle().promoted()).containsExactly(v2);
        assertThat(store.rollbackTarget()).isEmpty();
        assertThatExceptionOfType(ModelNotFoundException.class).isThrownBy(() -> store.delete(v1));
    }

    @Test
    void pathsAreNoVersions() {
        StoreTestModels.storeCurrent(store);

        for (String notAVersion : List.of("..", "../x", ".tmp-x", "a/b", "")) {
            assertThatExceptionOfType(ModelNotFoundException.class)
                    .as(notAVersion)
                    .isThrownBy(() -> store.load(notAVersion));
        }
    }

    @Test
    void aStoreWithoutHistoryTakesEveryVersionUpToCurrentAsPromotedInOrder() throws IOException {
        String v1 = StoreTestModels.storeCurrent(store).version();
        String v2 = StoreTestModels.storeCurrent(store).version();
        String v3 = StoreTestModels.storeCurrent(store).version();
        Files.delete(root.resolve("lifecycle.json"));
        Files.writeString(root.resolve("current"), v2 + "\n");

        assertThat(store.lifecycle().promoted()).containsExactly(v1, v2);
        assertThat(store.rollbackTarget()).contains(v1);
        assertThat(store.fallbacks()).containsExactly(v1);
        assertThat(store.versions()).contains(v3);
    }

    @Test
    void pruningKeepsTheCurrentVersionAndTheRollBackTarget() {
        ModelStore small = new ModelStore(root.resolve("small"), 2);
        String v1 = StoreTestModels.storeCurrent(small).version();
        String v2 = StoreTestModels.storeCurrent(small).version();
        String c1 = StoreTestModels.storeCandidate(small).version();
        String c2 = StoreTestModels.storeCandidate(small).version();
        String c3 = StoreTestModels.storeCandidate(small).version();

        assertThat(small.versions()).containsExactly(v1, v2, c2, c3).doesNotContain(c1);
        assertThat(small.currentVersion()).contains(v2);
        assertThat(small.rollbackTarget()).contains(v1);
    }
}
