package dev.visage.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

/** Decoding with OpenCV: sizes, reductions, EXIF orientation, broken input. */
class OpenCvImagesTest {

    @Test
    void decodesJpegAndPngAtFullAndReducedSize() {
        for (String format : new String[] {".jpg", ".png"}) {
            byte[] bytes = encode(format, 320, 240);
            try (Mat full = OpenCvImages.decode(bytes, 1);
                    Mat half = OpenCvImages.decode(bytes, 2);
                    Mat eighth = OpenCvImages.decode(bytes, 8)) {
                assertThat(new int[] {full.cols(), full.rows(), full.channels()})
                        .containsExactly(320, 240, 3);
                assertThat(new int[] {half.cols(), half.rows()}).containsExactly(160, 120);
                assertThat(new int[] {eighth.cols(), eighth.rows()}).containsExactly(40, 30);
            }
        }
    }

    @Test
    void turnsJpegsUprightByTheirExifOrientation() {
        byte[] jpeg = encode(".jpg", 320, 240);
        // APP1 "Exif", little-endian TIFF header, one IFD entry: Orientation (0x0112), SHORT, count 1, value 6.
        byte[] app1 = {
            (byte) 0xff,
            (byte) 0xe1,
            0,
            34,
            'E',
            'x',
            'i',
            'f',
            0,
            0,
            'I',
            'I',
            42,
            0,
            8,
            0,
            0,
            0,
            1,
            0,
            0x12,
            0x01,
            3,
            0,
            1,
            0,
            0,
            0,
            6,
            0,
            0,
            0,
            0,
            0,
            0,
            0
        };
        byte[] rotated = new byte[jpeg.length + app1.length];
        System.arraycopy(jpeg, 0, rotated, 0, 2);
        System.arraycopy(app1, 0, rotated, 2, app1.length);
        System.arraycopy(jpeg, 2, rotated, 2 + app1.length, jpeg.length - 2);

        try (Mat upright = OpenCvImages.decode(rotated, 1);
                Mat reduced = OpenCvImages.decode(rotated, 2)) {
            assertThat(new int[] {upright.cols(), upright.rows()}).containsExactly(240, 320);
            assertThat(new int[] {reduced.cols(), reduced.rows()}).containsExactly(120, 160);
        }
    }

    @Test
    void refusesBytesThatAreNoImageAndTruncatedJpegs() {
        assertThatThrownBy(() -> OpenCvImages.decode(new byte[0], 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenCvImages.decode("not an image".getBytes(), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenCvImages.decode(encode(".jpg", 8, 8), 3))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] jpeg = encode(".jpg", 320, 240);
        for (double kept : new double[] {0.5, 0.99}) {
            assertThatThrownBy(() -> OpenCvImages.decode(Arrays.copyOf(jpeg, (int) (jpeg.length * kept)), 1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void choosesTheLargestReductionThatKeepsTheLongestSide() {
        assertThat(OpenCvImages.reductionFor(8000, 5000, 1280)).isEqualTo(4);
        assertThat(OpenCvImages.reductionFor(1600, 1200, 640)).isEqualTo(2);
        assertThat(OpenCvImages.reductionFor(1200, 1600, 1600)).isEqualTo(1);
        assertThat(OpenCvImages.reductionFor(250, 250, 640)).isEqualTo(1);
        assertThat(OpenCvImages.reductionFor(20000, 100, 640)).isEqualTo(8);
    }

    /** A noisy colour image of the given size, encoded in {@code format}. */
    private static byte[] encode(String format, int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        new java.util.Random(width * 31L + height).nextBytes(pixels);
        try (Mat image = new Mat(height, width, CV_8UC3, new Scalar(0, 0, 0, 0));
                BytePointer out = new BytePointer()) {
            image.data().put(pixels);
            assertThat(imencode(format, image, out)).isTrue();
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
