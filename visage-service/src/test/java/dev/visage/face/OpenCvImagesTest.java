package dev.visage.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.visage.identify.TestImages;
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
        byte[] rotated = TestImages.insertAfterSoi(jpeg, TestImages.orientationSegment(true, 6));

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
