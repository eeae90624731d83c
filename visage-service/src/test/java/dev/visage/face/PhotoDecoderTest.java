package dev.visage.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.visage.SyntheticLfw;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** OpenCV decoding: the same pixels as ImageIO where both are right, refusals where files are broken. */
class PhotoDecoderTest {

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static BufferedImage face(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        image.createGraphics().drawImage(SyntheticLfw.image(1, new Random(3)), 0, 0, width, height, null);
        return image;
    }

    @Test
    void decodesJpegsToTheSamePixelsAsImageIo() throws IOException {
        byte[] jpeg = encode(face(250, 250), "jpeg");

        Photo decoded = PhotoDecoder.decode(jpeg, 1);

        Photo reference = TestPhotos.of(ImageIO.read(new java.io.ByteArrayInputStream(jpeg)));
        assertThat(decoded.width()).isEqualTo(250);
        assertThat(decoded.height()).isEqualTo(250);
        assertThat(decoded.bgr()).isEqualTo(reference.bgr());
    }

    @Test
    void decodesPngBmpAndGifAsColour() throws IOException {
        BufferedImage image = face(120, 90);
        byte[] expected = TestPhotos.of(image).bgr();
        for (String format : new String[] {"png", "bmp"}) {
            Photo photo = PhotoDecoder.decode(encode(image, format), 1);
            assertThat(photo.bgr()).as(format).isEqualTo(expected);
        }
        Photo gif = PhotoDecoder.decode(encode(image, "gif"), 1);
        assertThat(gif.width()).isEqualTo(120);
        assertThat(gif.height()).isEqualTo(90);
    }

    @Test
    void greyImagesKeepTheirStoredValues() throws IOException {
        BufferedImage grey = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 60, 128, 255});

        Photo photo = PhotoDecoder.decode(encode(grey, "png"), 1);

        assertThat(photo.bgr()).containsExactly(0, 0, 0, 60, 60, 60, (byte) 128, (byte) 128, (byte) 128, -1, -1, -1);
    }

    @Test
    void bigJpegsDecodeReducedInTheDecoder() throws IOException {
        byte[] jpeg = encode(face(1600, 1200), "jpeg");

        assertThat(PhotoDecoder.decode(jpeg, 2))
                .extracting(Photo::width, Photo::height)
                .containsExactly(800, 600);
        assertThat(PhotoDecoder.decode(jpeg, 8))
                .extracting(Photo::width, Photo::height)
                .containsExactly(200, 150);
        assertThatThrownBy(() -> PhotoDecoder.decode(jpeg, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTruncatedJpegsAndNonImages() throws IOException {
        byte[] jpeg = encode(face(250, 250), "jpeg");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);

        assertThat(PhotoDecoder.hasEndOfImage(jpeg)).isTrue();
        assertThatThrownBy(() -> PhotoDecoder.decode(truncated, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> PhotoDecoder.decode("not an image".getBytes(), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
