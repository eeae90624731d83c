package dev.visage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.identify.TestImages;
import dev.visage.serving.TinyModels;
import dev.visage.store.ModelStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * {@code java -jar visage.jar identify}: the application as the command builds it, over a store holding a tiny
 * trained model, prints one tab-separated line per face and exits 1 when a photo cannot be read.
 */
@ExtendWith(OutputCaptureExtension.class)
class IdentifyCommandTest {

    @TempDir
    Path root;

    private Path models;

    @BeforeEach
    void storeAModel() {
        models = root.resolve("models");
        TinyModels.storeInto(new ModelStore(models, 5));
    }

    @Test
    void namesThePersonInEachPhotoAndFailsOnFilesThatAreNoImages(CapturedOutput output) throws IOException {
        Path photos = Files.createDirectories(root.resolve("photos"));
        SyntheticLfw.writeImage(photos.resolve("a-face.jpg"), 1, new Random(TinyModels.HELD_OUT_SEED));
        Files.writeString(photos.resolve("b-notes.jpg"), "not a photo");
        Path missing = root.resolve("missing.jpg");

        Run run = identify("--detect=false", photos.toString(), missing.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.lines()).hasSize(1);
        assertThat(run.lines().get(0).split("\t")).hasSize(4).satisfies(columns -> {
            assertThat(columns[0]).isEqualTo(photos.resolve("a-face.jpg").toString());
            assertThat(columns[1]).matches("\\d+,\\d+,\\d+,\\d+");
            assertThat(columns[2]).isEqualTo(TinyModels.NAMES.get(1));
            assertThat(Double.parseDouble(columns[3])).isBetween(0.0, 1.0);
            assertThat(columns[3]).matches("[01]\\.\\d{4}");
        });
        assertThat(output.getErr())
                .contains(photos.resolve("b-notes.jpg") + ": ")
                .contains(missing + ": cannot be read");
    }

    @Test
    void saysSoWhenAPhotoShowsNoFace() throws IOException {
        Path plain = root.resolve("plain.png");
        Files.write(
                plain, TestImages.encode(TestImages.solid(320, 240, BufferedImage.TYPE_3BYTE_BGR, 0x808080), "png"));

        Run run = identify(plain.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.lines()).containsExactly(plain + "\t-\tno face found\t-");
    }

    private record Run(int exitCode, List<String> lines) {}

    private Run identify(String... arguments) {
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        String[] options = new String[arguments.length + 2];
        options[0] = "--visage.models.dir=" + models;
        // Every answer names a person however unsure: the test does not depend on the model's threshold.
        options[1] = "--visage.identify.min-confidence=0";
        System.arraycopy(arguments, 0, options, 2, arguments.length);
        int exitCode = SpringApplication.exit(
                VisageApplication.command(VisageApplication.IDENTIFY_COMMAND, new PrintStream(answers, true))
                        .run(options));
        return new Run(
                exitCode, answers.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
