package dev.visage.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.visage.SyntheticLfw;
import dev.visage.face.FaceCrop;

/** Decoding an LFW folder once into one tensor, and reading it back as DJL records. */
class LfwDatasetTest {

    private static final int PEOPLE = 3;
    private static final int PER_PERSON = 4;
    private static final FaceCrop CROP = FaceCrop.of(128, 32);

    @TempDir
    Path dir;

    private NDManager manager;
    private List<LabeledImage> images;

    @BeforeEach
    void writeFolder() {
        SyntheticLfw.write(dir, PEOPLE, PER_PERSON, 5);
        manager = NDManager.newBaseManager();
        // Interleave the people so that labels change from one image to the next.
        List<String> names = SyntheticLfw.names(PEOPLE);
        images = new ArrayList<>();
        for (int n = 1; n <= PER_PERSON; n++) {
            for (int p = 0; p < PEOPLE; p++) {
                images.add(new LabeledImage(names.get(p) + "/" + SyntheticLfw.fileName(names.get(p), n), p));
            }
        }
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private LfwDataset dataset(List<LabeledImage> parts, int margin) {
        return LfwDataset.builder().setRoot(dir).setImages(parts).setCrop(CROP).optMargin(margin)
                .setManager(manager).setSampling(4, false).build();
    }

    @Test
    void prepareDecodesEveryImageIntoOneTensorInImageOrder() throws IOException {
        try (LfwDataset dataset = dataset(images, 0)) {
            dataset.prepare(null);

            NDArray pixels = dataset.pixels();
            assertThat(pixels.getShape()).isEqualTo(new Shape(images.size(), 3, 32, 32));
            assertThat(pixels.min().getFloat()).isGreaterThanOrEqualTo(0f);
            assertThat(pixels.max().getFloat()).isLessThanOrEqualTo(1f);
            assertThat(dataset.size()).isEqualTo(images.size());
            assertThat(dataset.labels().toFloatArray()).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);

            // Decoding runs in parallel, yet each slot holds its own image.
            for (int i : new int[] {0, 4, images.size() - 1}) {
                float[] expected = new float[CROP.pixelCount(0)];
                CROP.toPixels(ImageIO.read(dir.resolve(images.get(i).file()).toFile()), 0, expected, 0);
                assertThat(pixels.get(i).toFloatArray()).as("image %d", i).containsExactly(expected);
            }
        }
    }

    @Test
    void prepareDecodesOnlyOnceAndRecordsComeFromMemory() throws IOException {
        try (LfwDataset dataset = dataset(images, 0)) {
            dataset.prepare(null);
            NDArray pixels = dataset.pixels();
            float[] before = pixels.toFloatArray();

            // With the files gone, a second prepare and every read must still work from the decoded tensor.
            for (LabeledImage image : images) {
                Files.delete(dir.resolve(image.file()));
            }
            dataset.prepare(null);

            assertThat(dataset.pixels()).isSameAs(pixels);
            assertThat(dataset.pixels().toFloatArray()).containsExactly(before);
            try (NDManager batch = NDManager.newBaseManager()) {
                for (int i = 0; i < images.size(); i++) {
                    Record record = dataset.get(batch, i);
                    assertThat(record.getData().singletonOrThrow().getShape()).isEqualTo(new Shape(3, 32, 32));
                    assertThat(record.getLabels().singletonOrThrow().getFloat())
                            .isEqualTo((float) images.get(i).label());
                    assertThat(record.getData().singletonOrThrow().toFloatArray())
                            .containsExactly(pixels.get(i).toFloatArray());
                }
            }
        }
    }

    @Test
    void marginKeepsTheSameCropWithSurroundingPixels() throws IOException {
        try (LfwDataset plain = dataset(images, 0); LfwDataset padded = dataset(images, 3)) {
            plain.prepare(null);
            padded.prepare(null);

            assertThat(padded.margin()).isEqualTo(3);
            assertThat(padded.pixels().getShape()).isEqualTo(new Shape(images.size(), 3, 38, 38));
            NDArray centre = padded.pixels().get(":, :, 3:35, 3:35");
            assertThat(centre.sub(plain.pixels()).abs().max().getFloat()).isCloseTo(0f, within(1e-6f));
        }
    }

    @Test
    void tensorsAreOnlyAvailableAfterPrepare() {
        try (LfwDataset dataset = dataset(images, 0)) {
            assertThatThrownBy(dataset::pixels).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("prepare");
            assertThatThrownBy(dataset::labels).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aFileThatIsNoImageFailsWithAnIOExceptionNamingIt() throws IOException {
        LabeledImage broken = images.get(4);
        Path file = dir.resolve(broken.file());
        Files.writeString(file, "this is not a JPEG");

        try (LfwDataset dataset = dataset(images, 0)) {
            assertThatThrownBy(() -> dataset.prepare(null))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString());
        }
    }

    @Test
    void builderNeedsEveryPartAndANonNegativeMargin() {
        assertThatThrownBy(() -> LfwDataset.builder().setImages(images).setCrop(CROP).setManager(manager)
                .setSampling(4, false).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LfwDataset.builder().optMargin(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
