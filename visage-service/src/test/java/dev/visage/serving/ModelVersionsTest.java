package dev.visage.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.store.BaseStore;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.store.StoreTestModels;
import dev.visage.store.TrainingLock;
import dev.visage.training.OpenSetMetrics;
import dev.visage.training.TrainedModel;
import dev.visage.training.TrainingMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /models}' view of a real store: each version's figures as its metrics.json holds them, and why not. */
class ModelVersionsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RETRAIN =
            "model format 1 without backgroundClasses (stored before them) is no longer supported; "
                    + "retrain with POST /train or `java -jar visage.jar train`";

    @TempDir
    Path root;

    private ModelStore store;
    private CurrentModel current;

    @BeforeEach
    void store() {
        store = new ModelStore(root, 10);
    }

    @AfterEach
    void close() {
        if (current != null) {
            current.destroy();
        }
    }

    private JsonNode listed() {
        return listedStore().get("versions");
    }

    /** The whole {@code GET /models} answer. */
    private JsonNode listedStore() {
        current = new CurrentModel(store);
        BaseStore bases = new BaseStore(store.root(), 3);
        ModelVersions versions = new ModelVersions(
                store,
                current,
                new TrainingLock(store, "test", Duration.ofMinutes(1), Clock.systemUTC()),
                bases,
                new CurrentBase(bases));
        // As the REST answer: written, then read as any client reads it.
        return JSON.readTree(JSON.writeValueAsString(versions.list()));
    }

    @Test
    void listsTheFaceBasesAsBasesAndNotAsModelVersions() {
        ModelManifest model = StoreTestModels.storeCurrent(store);
        ModelManifest base = StoreTestModels.storeBase(new BaseStore(store.root(), 3), 1);

        JsonNode listed = listedStore();

        assertThat(listed.get("versions")).hasSize(1);
        assertThat(listed.get("versions").get(0).get("version").asString()).isEqualTo(model.version());
        assertThat(listed.get("versions").get(0).get("base").isNull()).isTrue();
        assertThat(listed.get("bases")).hasSize(1);
        JsonNode listedBase = listed.get("bases").get(0);
        assertThat(listedBase.get("version").asString()).isEqualTo(base.version());
        assertThat(listedBase.get("kind").asString()).isEqualTo("base");
        assertThat(listedBase.get("inUse").asBoolean()).isTrue();
        assertThat(listedBase.get("matchThreshold").floatValue()).isEqualTo(0.6f);
    }

    @Test
    void listsEachVersionsFiguresAsItsMetricsJsonHoldsThem() {
        TrainedModel trained = StoreTestModels.trained();
        TrainingMetrics measured = trained.metrics();
        // Open-set figures with every awkward value the file may hold: a float threshold, an infinite one.
        OpenSetMetrics openSet = new OpenSetMetrics(
                0.93,
                0.81,
                0.6,
                new OpenSetMetrics.Calibration(true, 240, 2400, 100, 50, 60, 0.04, 0.54321f, 0.038, 0.77),
                new OpenSetMetrics.ScoreFigures(Double.NEGATIVE_INFINITY, 0.9, 0.8, 0.7));
        TrainingMetrics metrics = new TrainingMetrics(
                measured.testAccuracy(),
                measured.balancedAccuracy(),
                measured.macroF1(),
                measured.test(),
                measured.validationAccuracy(),
                measured.bestEpoch(),
                measured.epochs(),
                measured.trainImages(),
                measured.parameterCount(),
                measured.dataSeconds(),
                measured.framing(),
                measured.trainSeconds(),
                measured.trainImagesPerSecond(),
                measured.history(),
                openSet);
        ModelManifest stored = store.saveCandidate(
                trained.model(),
                trained.manifest(Instant.parse("2025-03-01T00:00:00Z"), openSet.threshold()),
                metrics,
                trained.split(),
                trained.probes());
        store.promote(stored.version(), "test");

        JsonNode version = listed().get(0);
        JsonNode file = JSON.readTree(
                root.resolve(stored.version()).resolve("metrics.json").toFile());

        assertThat(version.get("status").asString()).isEqualTo("current");
        assertThat(version.get("serving").asBoolean()).isTrue();
        for (String figure : List.of("testAccuracy", "balancedAccuracy", "macroF1", "openSet")) {
            assertThat(version.get(figure)).as(figure).isEqualTo(file.get(figure));
        }
        assertThat(file.at("/openSet/energy/threshold").asString()).isEqualTo("-Infinity");
        assertThat(file.at("/openSet/calibration/threshold").asDouble()).isEqualTo(0.54321);
    }

    @Test
    void aCurrentVersionOfTheOldFormatIsRefusedWithHowToRetrainAndAnotherServes() {
        String good = StoreTestModels.storeCurrent(store).version();
        String old = StoreTestModels.storeCurrent(store).version();
        StoreTestModels.makeOldFormat(store, old);

        JsonNode versions = listed();

        assertThat(current.version()).contains(good);
        assertThat(current.refusals()).containsEntry(old, RETRAIN);
        assertThat(versions.get(0).get("version").asString()).isEqualTo(old);
        assertThat(versions.get(0).get("status").asString()).isEqualTo("current");
        assertThat(versions.get(0).get("serving").asBoolean()).isFalse();
        assertThat(versions.get(0).get("note").asString()).isEqualTo(RETRAIN);
        assertThat(versions.get(1).get("status").asString()).isEqualTo("previous");
        assertThat(versions.get(1).get("serving").asBoolean()).isTrue();
    }
}
