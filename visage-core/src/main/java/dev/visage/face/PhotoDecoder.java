package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes JPEG, PNG and BMP files with OpenCV into an upright {@link Photo}: EXIF orientation applied, CMYK and
 * grey JPEGs as colour, 16-bit and alpha images as 8-bit colour. Training and serving decode with it alike.
 *
 * <p>A JPEG can be decoded reduced by 2, 4 or 8 in the decoder itself (DCT scaling), which bounds the memory and
 * time a big photo costs. A JPEG whose data stops before its end marker is refused, where libjpeg would only warn
 * and return grey rows.
 */
public final class PhotoDecoder {

    private PhotoDecoder() {}

    /**
     * Decodes an image file.
     *
     * @param reduction 1, 2, 4 or 8: decode JPEGs at that fraction of their size (other formats at full size)
     * @throws IllegalArgumentException if the bytes are no complete image OpenCV can read
     */
    public static Photo decode(byte[] bytes, int reduction) {
        if (isJpeg(bytes) && !hasEndOfImage(bytes)) {
            throw new IllegalArgumentException("the JPEG data ends before its end marker (truncated file)");
        }
        try (BytePointer data = new BytePointer(bytes);
                Mat encoded = new Mat(1, bytes.length, CV_8U, data);
                Mat decoded = imdecode(encoded, flags(reduction))) {
            if (decoded.empty() || decoded.channels() != 3) {
                throw new IllegalArgumentException("OpenCV cannot decode it");
            }
            byte[] bgr = new byte[decoded.cols() * decoded.rows() * 3];
            decoded.data().get(bgr);
            return new Photo(bgr, decoded.cols(), decoded.rows());
        }
    }

    private static int flags(int reduction) {
        return switch (reduction) {
            case 1 -> IMREAD_COLOR;
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("reduction must be 1, 2, 4 or 8, not " + reduction);
        };
    }

    static boolean isJpeg(byte[] bytes) {
        return bytes.length > 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
    }

    /**
     * Whether an end-of-image marker (FF D9) follows the first start-of-scan marker (FF DA). Inside the entropy-
     * coded data every FF byte is followed by 00 or a restart marker, so FF D9 there is the real end.
     */
    static boolean hasEndOfImage(byte[] jpeg) {
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xff) == 0xff) {
            int marker = jpeg[at + 1] & 0xff;
            if (marker == 0xda) {
                break;
            }
            if (marker == 0xff) {
                at++;
                continue;
            }
            at += 2 + (((jpeg[at + 2] & 0xff) << 8) | (jpeg[at + 3] & 0xff));
        }
        for (int i = at; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xd9) {
                return true;
            }
        }
        return false;
    }
}
