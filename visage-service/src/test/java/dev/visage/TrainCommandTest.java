package dev.visage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.store.BaseStore;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code java -jar visage.jar train}: the application as the command builds it starts, trains, stores, exits 0. */
class TrainCommandTest {

    @TempDir
    Path root;

    @Test
    void trainsStoresAndExitsZeroWithoutAWebServer() {
        Path lfw = SyntheticLfw.write(root.resolve("lfw"), 3, 20, 42);
        Path models = root.resolve("models");

        ConfigurableApplicationContext context = VisageApplication.command(VisageApplication.TRAIN_COMMAND, System.out)
                .run(
                        "--visage.lfw.dir=" + lfw,
                        "--visage.lfw.download=false",
                        "--visage.models.dir=" + models,
                        "--visage.training.people=3",
                        "--visage.training.epochs=2",
                        "--visage.training.batch-size=4",
                        "--visage.training.warmup-epochs=0",
                        "--visage.network.channels=16,16",
                        "--visage.network.hidden-units=32",
                        "--promote=force");
        int exitCode = SpringApplication.exit(context);

        assertThat(exitCode).isZero();
        assertThat(new ModelStore(models, 5).versions()).hasSize(1);
    }

    @Test
    void trainBaseStoresAFaceBaseOnThePeopleOutsideTheModelsAndNoModelThenTrainFromBaseStartsFromIt() {
        Path lfw = SyntheticLfw.write(root.resolve("lfw"), 6, 8, 42);
        // Four people with two photos each: too few for the base, they are its strangers.
        SyntheticLfw.write(lfw, 6, 10, 2, 43);
        Path models = root.resolve("models");
        String[] settings = {
            "--visage.lfw.dir=" + lfw,
            "--visage.lfw.download=false",
            "--visage.models.dir=" + models,
            "--visage.training.people=3",
            "--visage.training.epochs=2",
            "--visage.training.batch-size=4",
            "--visage.training.warmup-epochs=0",
            "--visage.training.detect-faces=false",
            "--promote=force"
        };

        assertThat(train("--base", settings)).isZero();

        BaseStore bases = new BaseStore(models, 5);
        assertThat(bases.versions()).hasSize(1);
        ModelManifest base = bases.manifest(bases.newest().orElseThrow());
        assertThat(base.people())
                .doesNotContainAnyElementsOf(SyntheticLfw.names(3))
                .hasSize(3);
        ModelStore store = new ModelStore(models, 5);
        assertThat(store.versions()).isEmpty();

        assertThat(train("--from-base", settings)).isZero();

        ModelManifest model = store.manifest(store.versions().get(0));
        assertThat(model.base()).isEqualTo(base.version());
        assertThat(train("--from-base=maybe", settings))
                .as("neither true nor false")
                .isEqualTo(1);
        assertThat(store.versions()).hasSize(1);
        assertThat(model.network().channels()).isEqualTo(base.network().channels());
        assertThat(model.preprocessing().crop().imageSize())
                .isEqualTo(base.preprocessing().crop().imageSize());
        // Its outsiders are the base's: its people train, its strangers only measure.
        JsonNode baseSplit = splitOf(bases.root().resolve(base.version()));
        JsonNode modelSplit = splitOf(store.root().resolve(model.version()));
        assertThat(names(modelSplit.get("outlierTrain"))).containsExactlyInAnyOrderElementsOf(base.people());
        assertThat(names(baseSplit.get("strangerTest"))).hasSize(4);
        assertThat(names(modelSplit.get("strangerTest"))).isEqualTo(names(baseSplit.get("strangerTest")));
    }

    private static JsonNode splitOf(Path version) {
        return JsonMapper.builder()
                .build()
                .readTree(version.resolve("split.json").toFile());
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(name -> names.add(name.asString()));
        return names;
    }

    @Test
    void trainFromBaseFailsWithoutAStoredBase() {
        Path lfw = SyntheticLfw.write(root.resolve("lfw"), 3, 8, 42);
        Path models = root.resolve("models");

        int exitCode = train(
                "--from-base",
                "--visage.lfw.dir=" + lfw,
                "--visage.lfw.download=false",
                "--visage.models.dir=" + models,
                "--visage.training.epochs=1");

        assertThat(exitCode).isEqualTo(1);
        assertThat(new ModelStore(models, 5).versions()).isEmpty();
    }

    @Test
    void withTooFewEnrolledPeopleTrainPeopleEnrolledExitsOneAndStoresNothing() {
        Path lfw = SyntheticLfw.write(root.resolve("lfw"), 6, 8, 42);
        Path models = root.resolve("models");

        ConfigurableApplicationContext context = VisageApplication.command(VisageApplication.TRAIN_COMMAND, System.out)
                .run(
                        "--people=enrolled",
                        "--visage.lfw.dir=" + lfw,
                        "--visage.lfw.download=false",
                        "--visage.models.dir=" + models);
        int exitCode = SpringApplication.exit(context);

        assertThat(exitCode).isEqualTo(1);
        assertThat(new ModelStore(models, 5).versions()).isEmpty();
        assertThat(new BaseStore(models, 5).versions())
                .as("not even a base first")
                .isEmpty();
    }

    private static int train(String option, String... settings) {
        String[] args = new String[settings.length + 1];
        args[0] = option;
        System.arraycopy(settings, 0, args, 1, settings.length);
        return SpringApplication.exit(VisageApplication.command(VisageApplication.TRAIN_COMMAND, System.out)
                .run(args));
    }
}
