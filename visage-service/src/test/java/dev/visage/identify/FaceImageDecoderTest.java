package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.visage.face.Photo;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaceImageDecoderTest {

    private static final int RED = 0xff0000;
    private static final int BLUE = 0x0000ff;

    private final FaceImageDecoder decoder = new FaceImageDecoder(40_000_000L);

    /** Header first, then pixels, as the service decodes. */
    private static Photo decode(FaceImageDecoder decoder, byte[] bytes) {
        return decoder.decode(bytes, decoder.inspect(bytes));
    }

    /** A 40x20 blue image with a red 10x10 block in its top-left corner. */
    private static BufferedImage redCorner(int type) {
        BufferedImage image = TestImages.solid(40, 20, type, BLUE);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                image.setRGB(x, y, RED);
            }
        }
        return image;
    }

    private static boolean isRed(int rgb) {
        return ((rgb >> 16) & 0xff) > 200 && ((rgb >> 8) & 0xff) < 60 && (rgb & 0xff) < 60;
    }

    private static boolean isBlue(int rgb) {
        return ((rgb >> 16) & 0xff) < 60 && ((rgb >> 8) & 0xff) < 60 && (rgb & 0xff) > 200;
    }

    private ImageRejectedException rejection(byte[] bytes) {
        ImageRejectedException rejected =
                catchThrowableOfType(ImageRejectedException.class, () -> decode(decoder, bytes));
        assertThat(rejected).as("decoding must be refused").isNotNull();
        return rejected;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png", "bmp", "gif"})
    void decodesTheSupportedFormats(String format) {
        BufferedImage decoded =
                TestImages.toImage(decode(decoder, TestImages.encode(redCorner(BufferedImage.TYPE_INT_RGB), format)));

        assertThat(decoded.getWidth()).isEqualTo(40);
        assertThat(decoded.getHeight()).isEqualTo(20);
        assertThat(isRed(decoded.getRGB(4, 4))).as("top-left is red").isTrue();
        assertThat(isBlue(decoded.getRGB(30, 15))).as("the rest is blue").isTrue();
    }

    @Test
    void acceptsGreyscalePng() {
        BufferedImage grey = new BufferedImage(30, 20, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(3, 4, 0, 255);

        BufferedImage decoded = TestImages.toImage(decode(decoder, TestImages.encode(grey, "png")));

        assertThat(decoded.getWidth()).isEqualTo(30);
        assertThat(decoded.getHeight()).isEqualTo(20);
        assertThat(decoded.getRGB(3, 4) & 0xffffff).isEqualTo(0xffffff);
        assertThat(decoded.getRGB(0, 0) & 0xffffff).isZero();
    }

    @Test
    void acceptsGreyscaleJpeg() {
        BufferedImage grey = new BufferedImage(32, 24, BufferedImage.TYPE_BYTE_GRAY);

        BufferedImage decoded = TestImages.toImage(decode(decoder, TestImages.encode(grey, "jpg")));

        assertThat(decoded.getWidth()).isEqualTo(32);
        assertThat(decoded.getHeight()).isEqualTo(24);
    }

    @Test
    void acceptsPngWithAlpha() {
        BufferedImage argb = TestImages.solid(16, 12, BufferedImage.TYPE_INT_ARGB, 0x80ff0000);

        BufferedImage decoded = TestImages.toImage(decode(decoder, TestImages.encode(argb, "png")));

        assertThat(decoded.getWidth()).isEqualTo(16);
        // The colour is kept; transparency plays no part in a face crop.
        assertThat(decoded.getRGB(5, 5) & 0xffffff).isEqualTo(0xff0000);
    }

    /**
     * A 40x20 black greyscale image with a white 10x10 block in its top-left corner.
     */
    private static BufferedImage whiteCornerGrey() {
        BufferedImage image = new BufferedImage(40, 20, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                image.getRaster().setSample(x, y, 0, 255);
            }
        }
        return image;
    }

    private static boolean isWhite(int rgb) {
        return ((rgb >> 16) & 0xff) > 200 && ((rgb >> 8) & 0xff) > 200 && (rgb & 0xff) > 200;
    }

    private static boolean isBlack(int rgb) {
        return ((rgb >> 16) & 0xff) < 50 && ((rgb >> 8) & 0xff) < 50 && (rgb & 0xff) < 50;
    }

    @Test
    void turnsGreyscaleJpegUprightForExifOrientation6() {
        byte[] jpeg = TestImages.insertAfterSoi(
                TestImages.encode(whiteCornerGrey(), "jpg"), TestImages.orientationSegment(true, 6));

        BufferedImage decoded = TestImages.toImage(decode(decoder, jpeg));

        // 90 degrees clockwise: 40x20 becomes 20x40 and the top-left corner moves to the top-right.
        assertThat(decoded.getWidth()).isEqualTo(20);
        assertThat(decoded.getHeight()).isEqualTo(40);
        assertThat(isWhite(decoded.getRGB(15, 4))).as("top-right is white").isTrue();
        assertThat(isBlack(decoded.getRGB(4, 4))).as("top-left is black").isTrue();
        assertThat(isBlack(decoded.getRGB(15, 35))).as("bottom-right is black").isTrue();
    }

    @Test
    void turnsGreyscaleJpegUprightForExifOrientation3() {
        byte[] jpeg = TestImages.insertAfterSoi(
                TestImages.encode(whiteCornerGrey(), "jpg"), TestImages.orientationSegment(false, 3));

        BufferedImage decoded = TestImages.toImage(decode(decoder, jpeg));

        assertThat(decoded.getWidth()).isEqualTo(40);
        assertThat(decoded.getHeight()).isEqualTo(20);
        assertThat(isWhite(decoded.getRGB(35, 15))).as("bottom-right is white").isTrue();
        assertThat(isBlack(decoded.getRGB(4, 4))).as("top-left is black").isTrue();
    }

    @Test
    void turnsGreyscaleJpegUprightForExifOrientation8() {
        byte[] jpeg = TestImages.insertAfterSoi(
                TestImages.encode(whiteCornerGrey(), "jpg"), TestImages.orientationSegment(false, 8));

        BufferedImage decoded = TestImages.toImage(decode(decoder, jpeg));

        assertThat(decoded.getWidth()).isEqualTo(20);
        assertThat(decoded.getHeight()).isEqualTo(40);
        assertThat(isWhite(decoded.getRGB(4, 35))).as("bottom-left is white").isTrue();
        assertThat(isBlack(decoded.getRGB(4, 4))).as("top-left is black").isTrue();
    }

    @Test
    void turnsColourJpegUprightForExifOrientation6() {
        // ImageIO decodes colour JPEGs as 3-byte BGR, the type phones' rotated photos arrive in.
        BufferedImage colour = new BufferedImage(40, 20, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                colour.setRGB(x, y, 0xff0000);
            }
        }
        byte[] jpeg =
                TestImages.insertAfterSoi(TestImages.encode(colour, "jpg"), TestImages.orientationSegment(true, 6));

        BufferedImage decoded = TestImages.toImage(decode(decoder, jpeg));

        assertThat(decoded.getWidth()).isEqualTo(20);
        assertThat(decoded.getHeight()).isEqualTo(40);
        int topRight = decoded.getRGB(15, 4);
        assertThat((topRight >> 16) & 0xff).as("top-right is red").isGreaterThan(200);
        assertThat(topRight & 0xff).as("top-right is red").isLessThan(60);
        assertThat(isBlack(decoded.getRGB(4, 4))).as("top-left is black").isTrue();
    }

    @Test
    void ignoresOrientationTagsOutsideJpeg() {
        // EXIF orientation applies to JPEGs only; a PNG is decoded as stored.
        BufferedImage decoded =
                TestImages.toImage(decode(decoder, TestImages.encode(redCorner(BufferedImage.TYPE_INT_RGB), "png")));

        assertThat(decoded.getWidth()).isEqualTo(40);
        assertThat(isRed(decoded.getRGB(4, 4))).isTrue();
    }

    @Test
    void refusesTruncatedJpegAsCorrupt() {
        BufferedImage image = new BufferedImage(250, 250, BufferedImage.TYPE_INT_RGB);
        new Random(1).ints(250 * 250).forEach(i -> image.setRGB(Math.floorMod(i, 250), Math.floorMod(i >> 8, 250), i));
        byte[] jpeg = TestImages.encode(image, "jpg");

        ImageRejectedException rejected = rejection(Arrays.copyOf(jpeg, jpeg.length * 6 / 10));

        assertThat(rejected.problem().type()).isEqualTo("unreadable-image");
        assertThat(rejected.getMessage()).startsWith("The image is corrupt or truncated: ");
    }

    @Test
    void refusesTruncatedPngAsCorrupt() {
        BufferedImage image = new BufferedImage(120, 120, BufferedImage.TYPE_INT_RGB);
        new Random(2).ints(120 * 120).forEach(i -> image.setRGB(Math.floorMod(i, 120), Math.floorMod(i >> 8, 120), i));
        byte[] png = TestImages.encode(image, "png");

        ImageRejectedException rejected = rejection(Arrays.copyOf(png, png.length * 6 / 10));

        assertThat(rejected.problem().type()).isEqualTo("unreadable-image");
        assertThat(rejected.getMessage()).startsWith("The image is corrupt or truncated: ");
    }

    @Test
    void refusesRandomBytes() {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);

        ImageRejectedException rejected = rejection(noise);

        assertThat(rejected.problem().type()).isEqualTo("unreadable-image");
        assertThat(rejected.getMessage())
                .isEqualTo("The upload is not an image in a known format (JPEG, PNG, BMP or GIF)");
    }

    @Test
    void refusesText() {
        byte[] text = "name,confidence\nAlice,0.9\n".repeat(20).getBytes(StandardCharsets.UTF_8);

        ImageRejectedException rejected = rejection(text);

        assertThat(rejected.problem().type()).isEqualTo("unreadable-image");
        assertThat(rejected.getMessage()).contains("not an image in a known format");
    }

    @Test
    void refusesEmptyAndMissingImages() {
        for (byte[] nothing : new byte[][] {new byte[0], null}) {
            ImageRejectedException rejected = rejection(nothing);

            assertThat(rejected.problem().type()).isEqualTo("missing-image");
            assertThat(rejected.getMessage()).isEqualTo("The image part is empty");
        }
    }

    @Test
    void refusesTiffAsUnsupportedMediaType() {
        byte[] tiff = TestImages.encode(redCorner(BufferedImage.TYPE_INT_RGB), "tiff");

        ImageRejectedException rejected = rejection(tiff);

        assertThat(rejected.problem().type()).isEqualTo("unsupported-image-type");
        assertThat(rejected.getMessage()).contains("not supported").contains("JPEG, PNG, BMP or GIF");
    }

    @Test
    void refusesDecompressionBombFromItsHeaderAlone() {
        byte[] bomb = TestImages.pngHeaderBomb(30_000, 30_000);
        assertThat(bomb.length).as("the bomb is small on the wire").isLessThan(4096);

        long start = System.nanoTime();
        ImageRejectedException rejected = rejection(bomb);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(rejected.problem().type()).isEqualTo("image-too-large");
        assertThat(rejected.getMessage())
                .isEqualTo("The image is 30000x30000 pixels; at most 40000000 pixels are accepted");
        // Decoding 900 megapixels would take far longer (and ~110 MB even at 1 bit per pixel).
        assertThat(millis).isLessThan(1000);
    }

    @Test
    void pixelLimitIsInclusive() {
        FaceImageDecoder small = new FaceImageDecoder(100 * 100);

        assertThat(decode(small, TestImages.encode(new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB), "png"))
                        .width())
                .isEqualTo(100);
        ImageRejectedException rejected = catchThrowableOfType(
                ImageRejectedException.class,
                () -> decode(small, TestImages.encode(new BufferedImage(101, 100, BufferedImage.TYPE_INT_RGB), "png")));
        assertThat(rejected.problem().type()).isEqualTo("image-too-large");
        assertThat(rejected.getMessage()).startsWith("The image is 101x100 pixels");
    }

    @Test
    void aReducedDecodeOfAnExifTurnedJpegMapsBackToTheUprightPhotoAsSent() {
        BufferedImage wide = new BufferedImage(3400, 1700, BufferedImage.TYPE_3BYTE_BGR);
        byte[] turned =
                TestImages.insertAfterSoi(TestImages.encode(wide, "jpeg"), TestImages.orientationSegment(false, 6));
        FaceImageDecoder decoder = new FaceImageDecoder(100_000_000);

        FaceImageDecoder.Header header = decoder.inspect(turned);
        Photo upright = decoder.decode(turned, header);

        assertThat(header.reduction()).isEqualTo(2);
        assertThat(upright.width()).isEqualTo(850);
        assertThat(upright.height()).isEqualTo(1700);
        // The photo as sent is 1700 x 3400 once upright: two sent pixels per decoded one, both ways.
        assertThat(header.sentPixelsPerDecoded(upright)).containsExactly(2.0, 2.0);
        Photo unturned = decoder.decode(TestImages.encode(wide, "jpeg"), header);
        assertThat(header.sentPixelsPerDecoded(unturned)).containsExactly(2.0, 2.0);
    }
}
