package dev.visage.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.visage.training.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Face bases are stored and checked as models are, beside them, and never listed as model versions. */
class BaseStoreTest {

    @TempDir
    Path root;

    @Test
    void aBaseIsStoredWithChecksumsAndProbesAndLoadsThroughItsSelfTest() {
        BaseStore bases = new BaseStore(root, 3);
        ModelManifest stored = StoreTestModels.storeBase(bases, 1);

        assertThat(bases.versions()).containsExactly(stored.version());
        assertThat(bases.newest()).contains(stored.version());
        assertThat(stored.sha256()).containsKeys(ModelStore.PARAMETERS, ProbeFiles.INDEX);
        assertThat(stored.matchThreshold()).isEqualTo(0.6f);
        try (StoredModel loaded = bases.load(stored.version())) {
            assertThat(loaded.manifest()).isEqualTo(stored);
        }
        ModelStore models = new ModelStore(root, 3);
        assertThat(models.versions()).isEmpty();
        assertThat(Files.isDirectory(root.resolve(BaseStore.FOLDER).resolve(stored.version())))
                .isTrue();
    }

    @Test
    void aDamagedBaseIsRefused() throws IOException {
        BaseStore bases = new BaseStore(root, 3);
        ModelManifest stored = StoreTestModels.storeBase(bases, 1);
        Path weights = bases.root().resolve(stored.version()).resolve(ModelStore.PARAMETERS);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(weights, bytes);

        assertThatThrownBy(() -> bases.load(stored.version()))
                .isInstanceOf(ModelRefusedException.class)
                .hasMessageContaining("SHA-256");
    }

    @Test
    void aModelRecordsTheBaseItCameFromInItsManifest() {
        ModelStore models = new ModelStore(root, 3);
        ModelManifest base = StoreTestModels.storeBase(new BaseStore(root, 3), 1);
        TrainedModel trained = StoreTestModels.trained();
        ModelManifest fromScratch = StoreTestModels.storeCandidate(models);

        ModelManifest fromBase = models.saveCandidate(
                trained.model(),
                trained.manifest(Instant.parse("2025-08-01T00:00:00Z"), null).withBase(base.version()),
                trained.metrics(),
                trained.split(),
                trained.probes());

        assertThat(models.manifest(fromBase.version()).base()).isEqualTo(base.version());
        assertThat(models.manifest(fromScratch.version()).base()).isNull();
        assertThat(models.manifest(fromScratch.version()).matchThreshold()).isNull();
    }

    @Test
    void theNewestBasesAreKept() {
        BaseStore bases = new BaseStore(root, 2);
        StoreTestModels.storeBase(bases, 1);
        ModelManifest second = StoreTestModels.storeBase(bases, 2);
        ModelManifest third = StoreTestModels.storeBase(bases, 3);

        assertThat(bases.versions()).containsExactly(second.version(), third.version());
        assertThat(bases.newest()).contains(third.version());
    }
}
