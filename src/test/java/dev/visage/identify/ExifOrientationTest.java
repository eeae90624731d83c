package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntBinaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExifOrientationTest {

    private static final int ORIENTATION = 0x0112;
    private static final int MAKE = 0x010f;
    private static final int X_RESOLUTION = 0x011a;

    private static final byte[] PLAIN_JPEG = TestImages.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB),
            "jpg");

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void readsLittleEndianExif(int orientation) {
        byte[] jpeg = TestImages.insertAfterSoi(PLAIN_JPEG, TestImages.orientationSegment(true, orientation));

        assertThat(ExifOrientation.of(jpeg)).isEqualTo(orientation);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void readsBigEndianExif(int orientation) {
        byte[] jpeg = TestImages.insertAfterSoi(PLAIN_JPEG, TestImages.orientationSegment(false, orientation));

        assertThat(ExifOrientation.of(jpeg)).isEqualTo(orientation);
    }

    @Test
    void findsOrientationAmongOtherTags() {
        byte[] little = TestImages.insertAfterSoi(PLAIN_JPEG,
                TestImages.exifSegment(true, new int[] {MAKE, X_RESOLUTION, ORIENTATION}, new int[] {77, 72, 6}));
        byte[] big = TestImages.insertAfterSoi(PLAIN_JPEG,
                TestImages.exifSegment(false, new int[] {MAKE, X_RESOLUTION, ORIENTATION}, new int[] {77, 72, 8}));

        assertThat(ExifOrientation.of(little)).isEqualTo(6);
        assertThat(ExifOrientation.of(big)).isEqualTo(8);
    }

    @Test
    void findsExifAfterJfifAndOtherApp1Segments() {
        // ImageIO's JPEG starts with a JFIF APP0; an XMP APP1 (not EXIF) comes before the EXIF one.
        int app0Length = ((PLAIN_JPEG[4] & 0xff) << 8) | (PLAIN_JPEG[5] & 0xff);
        byte[] jfif = Arrays.copyOfRange(PLAIN_JPEG, 2, 2 + 2 + app0Length);
        assertThat(jfif[1] & 0xff).as("ImageIO writes APP0 first").isEqualTo(0xe0);
        byte[] xmp = TestImages.app1("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>".getBytes());
        byte[] rest = Arrays.copyOfRange(PLAIN_JPEG, 2 + jfif.length, PLAIN_JPEG.length);
        byte[] jpeg = TestImages.concat(TestImages.concat(TestImages.concat(TestImages.concat(
                Arrays.copyOf(PLAIN_JPEG, 2), jfif), xmp), TestImages.orientationSegment(false, 3)), rest);

        assertThat(ExifOrientation.of(jpeg)).isEqualTo(3);
    }

    @Test
    void isNormalWithoutApp1() {
        assertThat(ExifOrientation.of(PLAIN_JPEG)).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void isNormalWithoutOrientationTag() {
        byte[] jpeg = TestImages.insertAfterSoi(PLAIN_JPEG,
                TestImages.exifSegment(true, new int[] {MAKE}, new int[] {6}));

        assertThat(ExifOrientation.of(jpeg)).isEqualTo(ExifOrientation.NORMAL);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9, 0xffff})
    void isNormalForOutOfRangeValues(int value) {
        byte[] jpeg = TestImages.insertAfterSoi(PLAIN_JPEG, TestImages.orientationSegment(true, value));

        assertThat(ExifOrientation.of(jpeg)).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void isNormalForGarbage() {
        byte[] noise = new byte[2048];
        new Random(3).nextBytes(noise);
        byte[] soiThenNoise = noise.clone();
        soiThenNoise[0] = (byte) 0xff;
        soiThenNoise[1] = (byte) 0xd8;
        byte[] png = TestImages.encode(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png");

        assertThat(ExifOrientation.of(new byte[0])).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ExifOrientation.of(new byte[] {(byte) 0xff, (byte) 0xd8})).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ExifOrientation.of(noise)).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ExifOrientation.of(soiThenNoise)).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ExifOrientation.of(png)).isEqualTo(ExifOrientation.NORMAL);
    }

    @Test
    void isNormalForDamagedExif() {
        byte[] segment = TestImages.orientationSegment(true, 6);

        // IFD offset pointing far outside the segment.
        byte[] farOffset = segment.clone();
        farOffset[4 + 6 + 4] = (byte) 0xf0;
        farOffset[4 + 6 + 7] = (byte) 0x7f;
        // Entry count claiming far more entries than the segment holds (the one real entry is not the orientation).
        byte[] manyEntries = TestImages.exifSegment(true, new int[] {MAKE}, new int[] {6});
        manyEntries[4 + 6 + 8] = (byte) 0xff;
        manyEntries[4 + 6 + 9] = (byte) 0x7f;
        // A segment cut short: the APP1 length says more than the file holds.
        byte[] cutShort = Arrays.copyOf(TestImages.concat(new byte[] {(byte) 0xff, (byte) 0xd8}, segment), 2 + 18);
        // An unknown byte order mark is read as big-endian, so the little-endian values make no sense.
        byte[] badOrder = segment.clone();
        badOrder[4 + 6] = 'X';
        badOrder[4 + 6 + 1] = 'X';

        assertThat(ExifOrientation.of(TestImages.insertAfterSoi(PLAIN_JPEG, farOffset))).isEqualTo(1);
        assertThat(ExifOrientation.of(TestImages.insertAfterSoi(PLAIN_JPEG, manyEntries))).isEqualTo(1);
        assertThat(ExifOrientation.of(cutShort)).isEqualTo(1);
        assertThat(ExifOrientation.of(TestImages.insertAfterSoi(PLAIN_JPEG, badOrder))).isEqualTo(1);
    }

    /** A 2 (wide) x 3 (high) image whose six pixels all differ. */
    private static BufferedImage twoByThree() {
        BufferedImage image = new BufferedImage(2, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 2; x++) {
                image.setRGB(x, y, pixel(x, y));
            }
        }
        return image;
    }

    private static int pixel(int x, int y) {
        return (0x20 + 0x40 * x) << 16 | (0x10 + 0x30 * y) << 8 | (0x11 * (1 + x + 2 * y));
    }

    /**
     * Checks {@code apply} against the EXIF 2.3 definition of the orientation tag: for each output pixel,
     * {@code source} gives the stored pixel ({@code x = source[0], y = source[1]}) that must be shown there.
     */
    private static void assertPlacement(int orientation, int width, int height, IntBinaryOperator sourceX,
            IntBinaryOperator sourceY) {
        BufferedImage upright = ExifOrientation.apply(twoByThree(), orientation);

        assertThat(upright.getWidth()).as("width for orientation %d", orientation).isEqualTo(width);
        assertThat(upright.getHeight()).as("height for orientation %d", orientation).isEqualTo(height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int sx = sourceX.applyAsInt(x, y);
                int sy = sourceY.applyAsInt(x, y);
                assertThat(upright.getRGB(x, y) & 0xffffff)
                        .as("orientation %d: output (%d,%d) shows stored (%d,%d)", orientation, x, y, sx, sy)
                        .isEqualTo(pixel(sx, sy));
            }
        }
    }

    @Test
    void orientation1LeavesTheImageAsItIs() {
        BufferedImage image = twoByThree();

        assertThat(ExifOrientation.apply(image, 1)).isSameAs(image);
        assertThat(ExifOrientation.apply(image, 0)).isSameAs(image);
        assertThat(ExifOrientation.apply(image, 9)).isSameAs(image);
    }

    @Test
    void orientation2MirrorsHorizontally() {
        assertPlacement(2, 2, 3, (x, y) -> 1 - x, (x, y) -> y);
    }

    @Test
    void orientation3RotatesHalfATurn() {
        assertPlacement(3, 2, 3, (x, y) -> 1 - x, (x, y) -> 2 - y);
    }

    @Test
    void orientation4MirrorsVertically() {
        assertPlacement(4, 2, 3, (x, y) -> x, (x, y) -> 2 - y);
    }

    @Test
    void orientation5Transposes() {
        // Row 0 of the stored image is the left column of the upright one.
        assertPlacement(5, 3, 2, (x, y) -> y, (x, y) -> x);
    }

    @Test
    void orientation6RotatesClockwise() {
        // Stored row 0 becomes the right column; the stored bottom-left is shown top-left.
        assertPlacement(6, 3, 2, (x, y) -> y, (x, y) -> 2 - x);
    }

    @Test
    void orientation7Transverses() {
        // Stored row 0 becomes the right column, read bottom to top.
        assertPlacement(7, 3, 2, (x, y) -> 1 - y, (x, y) -> 2 - x);
    }

    @Test
    void orientation8RotatesCounterClockwise() {
        // Stored row 0 becomes the left column, read bottom to top; the stored top-right is shown top-left.
        assertPlacement(8, 3, 2, (x, y) -> 1 - y, (x, y) -> x);
    }
}
