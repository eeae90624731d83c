package dev.visage.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The centred crop, its area-averaging resize, the CHW layout and the margin, on images with known pixels. */
class FaceCropTest {

    private static final float EXACT = 1e-6f;

    /** 128 px of a 250 px image to 64 px: every output pixel is the mean of a 2x2 source block. */
    private final FaceCrop crop = FaceCrop.of(128, 64);

    /** A deterministic, non-symmetric pattern: every channel varies differently with x and y. */
    private static int pattern(int x, int y) {
        int r = (x * 7 + y * 3) & 0xff;
        int g = (x ^ (y * 5)) & 0xff;
        int b = ((x * y) >> 2) & 0xff;
        return r << 16 | g << 8 | b;
    }

    private static BufferedImage patterned(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, 0xff000000 | pattern(x, y));
            }
        }
        return image;
    }

    private static float channel(int rgb, int c) {
        return (rgb >> (16 - 8 * c)) & 0xff;
    }

    /** Mean of channel {@code c} over the 2x2 source block at ({@code x}, {@code y}), in [0, 1]. */
    private static float blockMean(int x, int y, int c) {
        float sum = channel(pattern(x, y), c)
                + channel(pattern(x + 1, y), c)
                + channel(pattern(x, y + 1), c)
                + channel(pattern(x + 1, y + 1), c);
        return sum / 4 / 255f;
    }

    private float[] pixels(FaceCrop faceCrop, BufferedImage image, int margin) {
        float[] out = new float[faceCrop.pixelCount(margin)];
        TestCrops.centred(faceCrop, image, margin, out, 0);
        return out;
    }

    @Test
    void crop128To64IsTheExact2x2BoxAverageOfTheCentralSquareInChwOrder() {
        float[] out = pixels(crop, patterned(250, 250, BufferedImage.TYPE_INT_RGB), 0);

        int plane = 64 * 64;
        assertThat(out).hasSize(3 * plane);
        // The central 128 px of 250 start at (250 - 128) / 2 = 61; output (ox, oy) covers x, y = 61 + 2o .. 62 + 2o.
        for (int c = 0; c < 3; c++) {
            for (int oy = 0; oy < 64; oy++) {
                for (int ox = 0; ox < 64; ox++) {
                    assertThat(out[c * plane + oy * 64 + ox])
                            .as("channel %d at (%d, %d)", c, ox, oy)
                            .isCloseTo(blockMean(61 + 2 * ox, 61 + 2 * oy, c), within(EXACT));
                }
            }
        }
        // Written out by hand: red at output (0, 0) is the mean of pattern red at x, y in {61, 62}:
        // (98 + 105 + 101 + 108) / 4 = 103.
        assertThat(out[0]).isCloseTo(103 / 255f, within(EXACT));
        // Blue of the last output pixel comes from source pixels 187..188.
        assertThat(out[3 * plane - 1]).isCloseTo(blockMean(187, 187, 2), within(EXACT));
    }

    @Test
    void valuesStayWithin0And1AndSpanTheFullRange() {
        BufferedImage image = new BufferedImage(250, 250, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 250; y++) {
            for (int x = 0; x < 250; x++) {
                image.setRGB(x, y, x < 125 ? 0xffffff : 0x000000);
            }
        }

        float[] out = pixels(crop, image, 0);

        assertThat(min(out)).isEqualTo(0f);
        assertThat(max(out)).isCloseTo(1f, within(EXACT));
        // Left half white, right half black, in each channel.
        assertThat(out[0]).isCloseTo(1f, within(EXACT));
        assertThat(out[63]).isEqualTo(0f);
        assertThat(out[2 * 64 * 64 + 5 * 64]).isCloseTo(1f, within(EXACT));
    }

    @Test
    void writesOnlyItsOwnSliceAtTheOffset() {
        BufferedImage image = patterned(250, 250, BufferedImage.TYPE_INT_RGB);
        FaceCrop small = FaceCrop.of(128, 16);
        int size = small.pixelCount(0);
        float[] out = new float[3 * size];
        Arrays.fill(out, -1f);

        TestCrops.centred(small, image, 0, out, size);

        assertThat(Arrays.copyOfRange(out, 0, size)).containsOnly(-1f);
        assertThat(Arrays.copyOfRange(out, 2 * size, 3 * size)).containsOnly(-1f);
        assertThat(Arrays.copyOfRange(out, size, 2 * size)).isEqualTo(pixels(small, image, 0));
    }

    @Test
    void marginAddsTheSurroundingImageContentAroundTheSameCrop() {
        BufferedImage image = patterned(250, 250, BufferedImage.TYPE_INT_RGB);
        int margin = 4;
        int side = 64 + 2 * margin;

        float[] withMargin = pixels(crop, image, margin);
        float[] plain = pixels(crop, image, 0);

        assertThat(withMargin).hasSize(3 * side * side);
        assertThat(crop.pixelCount(margin)).isEqualTo(3 * side * side);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    assertThat(withMargin[c * side * side + (y + margin) * side + x + margin])
                            .isCloseTo(plain[c * 64 * 64 + y * 64 + x], within(EXACT));
                }
            }
        }
        // The margin is real content: output (0, 0) lies 2 * margin source pixels before the crop, at 61 - 8 = 53.
        assertThat(withMargin[0]).isCloseTo(blockMean(53, 53, 0), within(EXACT));
        int lastRow = (side - 1) * side;
        assertThat(withMargin[side * side + lastRow + side - 1]).isCloseTo(blockMean(195, 195, 1), within(EXACT));
    }

    @Test
    void largerAndNonSquareImagesAreCroppedInProportion() {
        float[] reference = pixels(crop, patterned(250, 250, BufferedImage.TYPE_INT_RGB), 0);

        // The same picture at twice the resolution: the crop takes the same 256 px part of it.
        BufferedImage doubled = new BufferedImage(500, 500, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 500; y++) {
            for (int x = 0; x < 500; x++) {
                doubled.setRGB(x, y, pattern(x / 2, y / 2));
            }
        }
        assertThat(pixels(crop, doubled, 0)).usingElementComparator(close()).containsExactly(boxed(reference));

        // A tall image: the crop scales with the shorter side (250) and is centred vertically.
        BufferedImage tall = new BufferedImage(250, 400, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 250; x++) {
                int inside = y - 75;
                tall.setRGB(x, y, inside >= 0 && inside < 250 ? pattern(x, inside) : 0x00ff00);
            }
        }
        assertThat(pixels(crop, tall, 0)).usingElementComparator(close()).containsExactly(boxed(reference));

        // A wide image at twice the resolution: scaled by its height (500), centred horizontally.
        BufferedImage wide = new BufferedImage(600, 500, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 500; y++) {
            for (int x = 0; x < 600; x++) {
                int inside = x - 50;
                wide.setRGB(x, y, inside >= 0 && inside < 500 ? pattern(inside / 2, y / 2) : 0xff0000);
            }
        }
        assertThat(pixels(crop, wide, 0)).usingElementComparator(close()).containsExactly(boxed(reference));
    }

    @Test
    void aSmallImageIsCroppedInProportionToo() {
        // 125 px: the crop covers 64 px (128 * 125 / 250), i.e. one source pixel per output pixel.
        BufferedImage half = patterned(125, 125, BufferedImage.TYPE_INT_RGB);

        float[] out = pixels(crop, half, 0);

        // (125 - 64) / 2 = 30.5: each output pixel straddles two source columns and rows, half of each.
        float expected = (channel(pattern(30, 30), 0)
                        + channel(pattern(31, 30), 0)
                        + channel(pattern(30, 31), 0)
                        + channel(pattern(31, 31), 0))
                / 4
                / 255f;
        assertThat(out[0]).isCloseTo(expected, within(EXACT));
    }

    @Test
    void argbImagesGiveTheSamePixelsAsRgbOnes() {
        float[] rgb = pixels(crop, patterned(250, 250, BufferedImage.TYPE_INT_RGB), 0);

        assertThat(pixels(crop, patterned(250, 250, BufferedImage.TYPE_INT_ARGB), 0))
                .isEqualTo(rgb);
        assertThat(pixels(crop, patterned(250, 250, BufferedImage.TYPE_4BYTE_ABGR), 0))
                .isEqualTo(rgb);
        assertThat(pixels(crop, patterned(250, 250, BufferedImage.TYPE_3BYTE_BGR), 0))
                .isEqualTo(rgb);
    }

    @Test
    void grayscaleImagesGiveThreeEqualChannelsInRange() {
        BufferedImage gray = new BufferedImage(250, 250, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 250; y++) {
            for (int x = 0; x < 250; x++) {
                // Raw luminance samples (as ImageIO decodes a grayscale JPEG): black, a ramp, then white.
                gray.getRaster().setSample(x, y, 0, x < 100 ? 0 : x >= 150 ? 255 : (x - 100) * 5);
            }
        }

        float[] out = pixels(crop, gray, 0);

        int plane = 64 * 64;
        for (int i = 0; i < plane; i++) {
            assertThat(out[i + plane]).isEqualTo(out[i]);
            assertThat(out[i + 2 * plane]).isEqualTo(out[i]);
        }
        // Output columns 0..18 cover source x 61..98 (black), 45..63 cover x 151..188 (white).
        assertThat(out[0]).isEqualTo(0f);
        assertThat(out[63]).isCloseTo(1f, within(EXACT));
        assertThat(min(out)).isEqualTo(0f);
        assertThat(max(out)).isCloseTo(1f, within(EXACT));
        for (int x = 1; x < 64; x++) {
            assertThat(out[x]).as("column %d", x).isGreaterThanOrEqualTo(out[x - 1]);
        }
        // Samples are read as stored: column 30 covers x = 121, 122, i.e. samples 105 and 110.
        assertThat(out[30]).isCloseTo(107.5f / 255, within(EXACT));
    }

    @Test
    void aGrayscaleJpegGivesTheSamePixelsAsTheSamePhotoInColour() throws IOException {
        BufferedImage gray = new BufferedImage(250, 250, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage colour = new BufferedImage(250, 250, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 250; y++) {
            for (int x = 0; x < 250; x++) {
                gray.getRaster().setSample(x, y, 0, 128);
                colour.setRGB(x, y, 0x808080);
            }
        }
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(gray, "jpg", jpeg);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg.toByteArray()));
        assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        assertThat(decoded.getRaster().getSample(125, 125, 0)).isEqualTo(128);

        float[] fromGray = pixels(crop, decoded, 0);

        // Mid-grey stays mid-grey (getRGB would treat grey samples as linear light and give 188 / 255).
        assertThat(min(fromGray)).isCloseTo(128 / 255f, within(EXACT));
        assertThat(max(fromGray)).isCloseTo(128 / 255f, within(EXACT));
        assertThat(fromGray).isEqualTo(pixels(crop, colour, 0));
    }

    @Test
    void sixteenBitGrayscaleIsReadByItsHighByte() {
        BufferedImage gray = new BufferedImage(250, 250, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 250; y++) {
            for (int x = 0; x < 250; x++) {
                gray.getRaster().setSample(x, y, 0, 0x8000 + x);
            }
        }

        float[] out = pixels(crop, gray, 0);

        assertThat(min(out)).isCloseTo(128 / 255f, within(EXACT));
        assertThat(max(out)).isCloseTo(128 / 255f, within(EXACT));
    }

    @Test
    void rejectsImpossibleGeometry() {
        assertThatThrownBy(() -> FaceCrop.of(251, 64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaceCrop.of(0, 64)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FaceCrop.of(128, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(FaceCrop.of(128, 64).referenceSize()).isEqualTo(FaceCrop.LFW_IMAGE_SIZE);
    }

    private static float min(float[] values) {
        float min = Float.MAX_VALUE;
        for (float v : values) {
            min = Math.min(min, v);
        }
        return min;
    }

    private static float max(float[] values) {
        float max = -Float.MAX_VALUE;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static Float[] boxed(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return boxed;
    }

    private static Comparator<Float> close() {
        return (a, b) -> Math.abs(a - b) <= 1e-5f ? 0 : Float.compare(a, b);
    }
}
