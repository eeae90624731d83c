package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.visage.training.TrainingConfig.Augmentation;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shifted crops, flips and brightness of whole batches, on images whose every pixel is identifiable. */
class BatchAugmenterTest {

    private static final int SIZE = 8;
    private static final int MARGIN = 2;
    private static final int SIDE = SIZE + 2 * MARGIN;

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    /** Value of input pixel (c, y, x) of image b: distinct for every position, all in [0, 1). */
    private static float value(int b, int c, int y, int x) {
        return ((((b * 3 + c) * SIDE + y) * SIDE + x) % 1000) / 1000f;
    }

    private NDArray batch(int images) {
        float[] values = new float[images * 3 * SIDE * SIDE];
        int i = 0;
        for (int b = 0; b < images; b++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        values[i++] = value(b, c, y, x);
                    }
                }
            }
        }
        return manager.create(values, new Shape(images, 3, SIDE, SIDE));
    }

    private static float at(float[] out, int b, int c, int y, int x) {
        return out[((b * 3 + c) * SIZE + y) * SIZE + x];
    }

    @Test
    void withoutAugmentationReturnsTheExactCentreCrop() {
        BatchAugmenter augmenter = new BatchAugmenter(Augmentation.NONE, MARGIN, SIZE, 1);

        NDArray out = augmenter.transform(batch(3));

        assertThat(out.getShape()).isEqualTo(new Shape(3, 3, SIZE, SIZE));
        float[] values = out.toFloatArray();
        for (int b = 0; b < 3; b++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        assertThat(at(values, b, c, y, x)).isEqualTo(value(b, c, y + MARGIN, x + MARGIN));
                    }
                }
            }
        }
    }

    @Test
    void shiftTakesAWindowOfTheMarginPaddedImageWithinTheAllowedShift() {
        int images = 40;
        BatchAugmenter augmenter =
                new BatchAugmenter(new Augmentation(MARGIN, false, 0, 0, 0, 0, 0, 0, 0), MARGIN, SIZE, 3);

        float[] out = augmenter.transform(batch(images)).toFloatArray();

        Set<String> offsets = new HashSet<>();
        for (int b = 0; b < images; b++) {
            // The window's top-left input pixel tells the shift; every other pixel must follow from it.
            int top = -1;
            int left = -1;
            for (int y = 0; y < SIDE && top < 0; y++) {
                for (int x = 0; x < SIDE; x++) {
                    if (value(b, 0, y, x) == at(out, b, 0, 0, 0)) {
                        top = y;
                        left = x;
                        break;
                    }
                }
            }
            assertThat(top).as("image %d top", b).isBetween(0, 2 * MARGIN);
            assertThat(left).as("image %d left", b).isBetween(0, 2 * MARGIN);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        assertThat(at(out, b, c, y, x)).isEqualTo(value(b, c, top + y, left + x));
                    }
                }
            }
            offsets.add(top + "," + left);
        }
        // 40 draws from 25 possible shifts: the shift really varies, in both directions.
        assertThat(offsets).hasSizeGreaterThan(5);
    }

    @Test
    void flipMirrorsSomeImagesHorizontallyAndLeavesTheOthers() {
        int images = 32;
        BatchAugmenter augmenter = new BatchAugmenter(new Augmentation(0, true, 0, 0, 0, 0, 0, 0, 0), MARGIN, SIZE, 5);

        float[] out = augmenter.transform(batch(images)).toFloatArray();

        int flipped = 0;
        for (int b = 0; b < images; b++) {
            boolean mirrored = at(out, b, 0, 0, 0) == value(b, 0, MARGIN, MARGIN + SIZE - 1);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        int source = mirrored ? SIZE - 1 - x : x;
                        assertThat(at(out, b, c, y, x)).isEqualTo(value(b, c, MARGIN + y, MARGIN + source));
                    }
                }
            }
            flipped += mirrored ? 1 : 0;
        }
        assertThat(flipped).isBetween(4, images - 4);
    }

    @Test
    void brightnessScalesEachImageByOneFactorWithinRangeAndClipsTo1() {
        int images = 16;
        float brightness = 0.5f;
        BatchAugmenter augmenter =
                new BatchAugmenter(new Augmentation(0, false, brightness, 0, 0, 0, 0, 0, 0), MARGIN, SIZE, 7);
        float[] values = new float[images * 3 * SIDE * SIDE];
        Arrays.fill(values, 0.8f);

        float[] out = augmenter
                .transform(manager.create(values, new Shape(images, 3, SIDE, SIDE)))
                .toFloatArray();

        Set<Float> factors = new HashSet<>();
        boolean clipped = false;
        for (int b = 0; b < images; b++) {
            float first = at(out, b, 0, 0, 0);
            for (int i = 0; i < 3 * SIZE * SIZE; i++) {
                assertThat(out[b * 3 * SIZE * SIZE + i]).isEqualTo(first);
            }
            assertThat(first).isBetween(0.8f * (1 - brightness) - 1e-6f, 1f);
            clipped |= first == 1f;
            factors.add(first);
        }
        assertThat(factors).hasSizeGreaterThan(3);
        // Factors up to 1.5 on 0.8 would reach 1.2: some images must have been clipped to 1.
        assertThat(clipped).isTrue();
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndAnotherSeedOthers() {
        Augmentation all = new Augmentation(0, true, 0.2f, 0.3f, 0.3f, 0.2f, 10, 0.1f, 0.2f);
        NDArray input = batch(16);

        BatchAugmenter first = new BatchAugmenter(all, MARGIN, SIZE, 11);
        BatchAugmenter same = new BatchAugmenter(all, MARGIN, SIZE, 11);
        BatchAugmenter other = new BatchAugmenter(all, MARGIN, SIZE, 12);

        for (int round = 0; round < 3; round++) {
            float[] a = first.transform(input).toFloatArray();
            float[] b = same.transform(input).toFloatArray();
            float[] c = other.transform(input).toFloatArray();
            assertThat(b).isEqualTo(a);
            assertThat(c).isNotEqualTo(a);
            assertThat(a).hasSize(16 * 3 * SIZE * SIZE);
            for (float v : a) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void keepsValuesUnchangedWhenBrightnessIsOffAndShiftIsZero() {
        BatchAugmenter augmenter = new BatchAugmenter(new Augmentation(0, false, 0, 0, 0, 0, 0, 0, 0), 0, SIZE, 1);
        NDArray input = manager.randomUniform(0, 1, new Shape(2, 3, SIZE, SIZE));

        NDArray out = augmenter.transform(input);

        assertThat(out.getShape()).isEqualTo(new Shape(2, 3, SIZE, SIZE));
        assertThat(out.sub(input).abs().max().getFloat()).isZero();
    }

    @Test
    void rotatesAndZoomsEachImageWithinItsLimitsSamplingBilinearly() {
        // Every channel a ramp along x: bilinear sampling reproduces a linear image exactly, so the output's
        // steps along a row and down a column give each image's map: (zoom cos, -zoom sin) per pixel.
        int images = 32;
        float slope = 1f / SIDE;
        NDArray ramp = manager.arange(0f, SIDE).mul(slope).broadcast(new Shape(images, 3, SIDE, SIDE));
        Augmentation rotateAndZoom = new Augmentation(0, false, 0, 0, 0, 0, 10, 0.1f, 0);
        BatchAugmenter augmenter = new BatchAugmenter(rotateAndZoom, MARGIN, SIZE, 9);

        float[] out = augmenter.transform(ramp).toFloatArray();

        Set<Long> angles = new HashSet<>();
        for (int b = 0; b < images; b++) {
            double alongRow = (at(out, b, 1, 4, 5) - at(out, b, 1, 4, 4)) / slope;
            double downColumn = (at(out, b, 1, 5, 4) - at(out, b, 1, 4, 4)) / slope;
            double angle = Math.toDegrees(Math.atan2(-downColumn, alongRow));
            double zoom = Math.hypot(alongRow, downColumn);
            assertThat(angle).isBetween(-10.001, 10.001);
            assertThat(zoom).isBetween(0.899, 1.101);
            // The same map everywhere in the image, in every channel.
            assertThat((double) (at(out, b, 0, 1, 2) - at(out, b, 0, 1, 1)) / slope)
                    .isCloseTo(alongRow, within(1e-3));
            assertThat(at(out, b, 2, 6, 3)).isEqualTo(at(out, b, 0, 6, 3));
            angles.add(Math.round(angle));
        }
        assertThat(angles).hasSizeGreaterThan(5);
    }

    @Test
    void grayscaleTurnsEveryChosenImageGreyAndLeavesTheOthersInColour() {
        Augmentation allGrey = new Augmentation(0, false, 0, 0, 0, 1, 0, 0, 0);
        Augmentation noneGrey = new Augmentation(0, false, 0, 0, 0, 0, 0, 0, 0);
        NDArray input = batch(4);

        float[] grey =
                new BatchAugmenter(allGrey, MARGIN, SIZE, 1).transform(input).toFloatArray();
        float[] colour =
                new BatchAugmenter(noneGrey, MARGIN, SIZE, 1).transform(input).toFloatArray();

        for (int b = 0; b < 4; b++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    float luma = 0.299f * at(colour, b, 0, y, x)
                            + 0.587f * at(colour, b, 1, y, x)
                            + 0.114f * at(colour, b, 2, y, x);
                    for (int c = 0; c < 3; c++) {
                        assertThat(at(grey, b, c, y, x)).isCloseTo(luma, within(1e-5f));
                    }
                }
            }
        }
        assertThat(at(colour, 0, 0, 0, 0)).isNotEqualTo(at(colour, 0, 1, 0, 0));
    }

    @Test
    void refusesAShiftLargerThanTheMargin() {
        assertThatThrownBy(() -> new BatchAugmenter(new Augmentation(3, false, 0, 0, 0, 0, 0, 0, 0), 2, SIZE, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("margin");
    }
}
