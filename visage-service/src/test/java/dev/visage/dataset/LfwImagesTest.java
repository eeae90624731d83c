package dev.visage.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Pipeline;
import dev.visage.SyntheticLfw;
import dev.visage.face.FaceCrop;
import dev.visage.face.FaceFrame;
import dev.visage.face.Photo;
import dev.visage.face.TestCrops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding an LFW folder once into one tensor, and reading it back as DJL batches. */
class LfwImagesTest {

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

    /** Images reported decoded. */
    private final AtomicInteger reported = new AtomicInteger();

    private LfwImages decode(int margin) throws IOException {
        return LfwImages.decode(
                LfwCatalog.scan(dir), images, CROP, margin, LfwImages.CENTRED, reported::incrementAndGet, manager);
    }

    @Test
    void decodesEveryImageIntoOneTensorInImageOrder() throws IOException {
        LfwImages decoded = decode(0);

        NDArray pixels = decoded.pixels();
        assertThat(pixels.getShape()).isEqualTo(new Shape(images.size(), 3, 32, 32));
        assertThat(pixels.getDataType()).isEqualTo(DataType.UINT8);
        assertThat(decoded.size()).isEqualTo(images.size());
        assertThat(decoded.labels().toFloatArray()).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
        assertThat(decoded.classes()).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
        assertThat(reported).hasValue(images.size());

        // Decoding runs in parallel, yet each slot holds its own image.
        for (int i : new int[] {0, 4, images.size() - 1}) {
            float[] expected = new float[CROP.pixelCount(0)];
            TestCrops.centred(
                    CROP, ImageIO.read(dir.resolve(images.get(i).file()).toFile()), 0, expected, 0);
            // Stored as bytes: each value the nearest 1/255 step of the crop's.
            float[] face = decoded.face(i);
            for (int k = 0; k < expected.length; k++) {
                assertThat(face[k]).as("image %d value %d", i, k).isEqualTo(Math.round(expected[k] * 255) / 255f);
            }
        }
    }

    @Test
    void imagesWhoseFramingFindsNoFaceAreKnownAndCroppedFromTheirCentre() throws IOException {
        // A framing that finds no face in any photo, as the detector in the synthetic patterns.
        Function<Photo, Optional<FaceFrame>> framing = photo -> Optional.empty();
        LfwImages centred = decode(0);

        LfwImages decoded = LfwImages.decode(LfwCatalog.scan(dir), images, CROP, 0, framing, () -> {}, manager);

        assertThat(decoded.noFace().cardinality()).isEqualTo(images.size());
        assertThat(centred.noFace().isEmpty()).isTrue();
        assertThat(decoded.pixels().toByteArray())
                .containsExactly(centred.pixels().toByteArray());
        // The record hands out copies: its own set cannot be changed from outside.
        decoded.noFace().clear();
        assertThat(decoded.noFace().cardinality()).isEqualTo(images.size());
    }

    @Test
    void batchesComeFromMemoryInOrderThroughThePipeline() throws Exception {
        LfwImages decoded = decode(0);
        // With the files gone, every batch must still come from the decoded tensor.
        for (LabeledImage image : images) {
            Files.delete(dir.resolve(image.file()));
        }
        ArrayDataset dataset = decoded.toDataset(5, false, new Pipeline(array -> array.mul(2)));

        int seen = 0;
        for (Batch batch : dataset.getData(manager)) {
            try (batch) {
                NDArray data = batch.getData().singletonOrThrow();
                // The pipeline gets the stored bytes as floats in [0, 1].
                NDArray expected = LfwImages.unitFloats(decoded.pixels().get("{}:{}", seen, seen + batch.getSize()))
                        .mul(2);
                assertThat(data.toFloatArray()).containsExactly(expected.toFloatArray());
                assertThat(batch.getLabels().singletonOrThrow().toFloatArray())
                        .containsExactly(decoded.labels()
                                .get("{}:{}", seen, seen + batch.getSize())
                                .toFloatArray());
                seen += batch.getSize();
            }
        }
        assertThat(seen).isEqualTo(images.size());
    }

    @Test
    void marginKeepsTheSameCropWithSurroundingPixels() throws IOException {
        LfwImages plain = decode(0);
        LfwImages padded = decode(3);

        assertThat(padded.margin()).isEqualTo(3);
        assertThat(padded.pixels().getShape()).isEqualTo(new Shape(images.size(), 3, 38, 38));
        NDArray centre = padded.pixels().get(":, :, 3:35, 3:35");
        // The same floats up to rounding, so the same bytes at most one step apart.
        NDArray difference =
                centre.toType(DataType.INT32, false).sub(plain.pixels().toType(DataType.INT32, false));
        assertThat(difference.abs().max().getInt()).isLessThanOrEqualTo(1);
    }

    @Test
    void aFileThatIsNoImageFailsWithAnIOExceptionNamingIt() throws IOException {
        LabeledImage broken = images.get(4);
        Path file = dir.resolve(broken.file());
        Files.writeString(file, "this is not a JPEG");

        assertThatThrownBy(() -> decode(0)).isInstanceOf(IOException.class).hasMessageContaining(file.toString());
    }

    @Test
    void refusesANegativeMargin() {
        assertThatThrownBy(() -> decode(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
