package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Decodes an encoded photo straight into an OpenCV image for the detector, without a {@code BufferedImage} in
 * between: faster than ImageIO, turned upright by its EXIF orientation, and for large JPEGs optionally decoded at
 * 1/2, 1/4 or 1/8 of the size (the JPEG decoder then skips most of the work).
 *
 * <p>It does not replace the upload checks: type and pixel count should still be read from the header first, as
 * OpenCV reads more formats than the service accepts and decodes whatever it is given. Truncated JPEGs are refused,
 * as by the service's ImageIO decoder.
 */
public final class OpenCvImages {

    private OpenCvImages() {}

    /**
     * Decodes a photo to 8-bit BGR.
     *
     * @param reduction 1 (full size), 2, 4 or 8: the sides are divided by this, rounded (JPEG's decoder scales while
     *     decoding; other formats are decoded whole and then reduced)
     * @return a new image; the caller closes it
     * @throws IllegalArgumentException when OpenCV cannot decode the bytes (not an image, or a truncated one)
     */
    public static Mat decode(byte[] bytes, int reduction) {
        Objects.requireNonNull(bytes, "bytes");
        int flags = switch (reduction) {
            case 1 -> IMREAD_COLOR;
            case 2 -> IMREAD_REDUCED_COLOR_2;
            case 4 -> IMREAD_REDUCED_COLOR_4;
            case 8 -> IMREAD_REDUCED_COLOR_8;
            default -> throw new IllegalArgumentException("reduction must be 1, 2, 4 or 8, not " + reduction);
        };
        if (bytes.length == 0) {
            throw new IllegalArgumentException("No image bytes");
        }
        try (BytePointer data = new BytePointer(bytes);
                Mat buffer = new Mat(1, bytes.length, CV_8UC1, data)) {
            Mat image = imdecode(buffer, flags);
            if (image.empty()) {
                image.close();
                throw new IllegalArgumentException("OpenCV cannot decode the image");
            }
            return image;
        }
    }

    /**
     * A grey copy of a photo, reduced by area averaging to a longest side of at most {@code longestSide} (smaller
     * photos are not enlarged): what the face detector scans. A grey photo the right size is returned itself.
     */
    public static Mat reducedGrey(Mat image, int longestSide) {
        double scale = Math.min(1.0, (double) longestSide / Math.max(image.cols(), image.rows()));
        Mat grey = image;
        if (image.channels() != 1) {
            grey = new Mat();
            cvtColor(image, grey, image.channels() == 3 ? COLOR_BGR2GRAY : COLOR_BGRA2GRAY);
        }
        if (scale < 1.0) {
            Mat reduced = new Mat();
            int reducedWidth = Math.max(1, (int) Math.round(image.cols() * scale));
            int reducedHeight = Math.max(1, (int) Math.round(image.rows() * scale));
            resize(grey, reduced, new Size(reducedWidth, reducedHeight), 0, 0, INTER_AREA);
            grey = reduced;
        }
        return grey;
    }

    /** A histogram-equalised copy of a grey image: its grey levels spread over the whole range. */
    public static Mat equalised(Mat grey) {
        Mat equalised = new Mat();
        equalizeHist(grey, equalised);
        return equalised;
    }
}
