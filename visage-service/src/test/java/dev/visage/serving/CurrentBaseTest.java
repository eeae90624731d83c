package dev.visage.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.visage.store.BaseStore;
import dev.visage.store.ModelManifest;
import dev.visage.store.StoreTestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The base in use: its features are unit-length and mirror-invariant, damaged bases are refused, swaps are safe. */
class CurrentBaseTest {

    @TempDir
    Path root;

    @Test
    void noBaseStoredMeansNoFeatures() {
        CurrentBase current = new CurrentBase(new BaseStore(root, 3));

        assertThat(current.acquire()).isEmpty();
        assertThat(current.version()).isEmpty();
    }

    @Test
    void featuresAreUnitLengthAndTheSameForAFaceAndItsMirrorImage() {
        BaseStore bases = new BaseStore(root, 3);
        ModelManifest stored = StoreTestModels.storeBase(bases, 1);
        CurrentBase current = new CurrentBase(bases);

        try (FaceFeatures base = current.acquire().orElseThrow()) {
            int side = base.crop().imageSize();
            float[][] crops = {crop(side, 1), crop(side, 2), mirror(crop(side, 1), side)};
            float[][] features = base.features(crops);

            assertThat(base.baseVersion()).isEqualTo(stored.version());
            assertThat(base.matchThreshold()).isEqualTo(0.6f);
            assertThat(features).hasNumberOfRows(3);
            for (float[] vector : features) {
                assertThat(vector).hasSize(stored.network().hiddenUnits());
                assertThat(dot(vector, vector)).isCloseTo(1.0, within(1e-5));
            }
            for (int k = 0; k < features[0].length; k++) {
                assertThat(features[2][k]).isCloseTo(features[0][k], within(1e-5f));
            }
            assertThat(dot(features[0], features[1])).isLessThan(1 - 1e-4);
        }
    }

    @Test
    void aDamagedNewestBaseIsRefusedAndTheOlderOneUsed() throws IOException {
        BaseStore bases = new BaseStore(root, 3);
        ModelManifest older = StoreTestModels.storeBase(bases, 1);
        ModelManifest newest = StoreTestModels.storeBase(bases, 2);
        Files.write(bases.root().resolve(newest.version()).resolve("visage-0000.params"), new byte[] {1, 2, 3});

        CurrentBase current = new CurrentBase(bases);

        assertThat(current.version()).contains(older.version());
    }

    @Test
    void aHeldBaseKeepsWorkingWhenANewerOneReplacesIt() {
        BaseStore bases = new BaseStore(root, 3);
        ModelManifest first = StoreTestModels.storeBase(bases, 1);
        CurrentBase current = new CurrentBase(bases);
        FaceFeatures held = current.acquire().orElseThrow();

        ModelManifest second = StoreTestModels.storeBase(bases, 2);
        current.useNewest();

        assertThat(current.version()).contains(second.version());
        assertThat(held.baseVersion()).isEqualTo(first.version());
        int side = held.crop().imageSize();
        assertThat(held.features(new float[][] {crop(side, 3)})).hasNumberOfRows(1);
        held.close();
        assertThatThrownBy(() -> held.features(new float[][] {crop(side, 3)}))
                .isInstanceOf(IllegalStateException.class);
        try (FaceFeatures now = current.acquire().orElseThrow()) {
            assertThat(now.baseVersion()).isEqualTo(second.version());
        }
        current.destroy();
    }

    private static float[] crop(int side, long seed) {
        Random random = new Random(seed);
        float[] values = new float[3 * side * side];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }

    /** The crop mirrored left to right (CHW). */
    private static float[] mirror(float[] crop, int side) {
        float[] mirrored = new float[crop.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    mirrored[(c * side + y) * side + x] = crop[(c * side + y) * side + side - 1 - x];
                }
            }
        }
        return mirrored;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }
}
