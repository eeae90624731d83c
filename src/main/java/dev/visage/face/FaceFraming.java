package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.Objects;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Maps a detector's face box to the square part of the photo that a deep-funneled LFW image (250 x 250) of the
 * same face would show, so that the network, trained on LFW's framing, sees an uploaded face as in training: the
 * existing centred crop ({@code FaceCrop}, 128 of 250) applied to that square sees the same part of the face.
 *
 * <p>The record holds where the same detector's box lies, by median, in the 250 x 250 LFW images; a box in a photo
 * then fixes the frame by similarity (same relative position and scale). Boxes are taken as squares (cascade
 * windows are square). The frame may reach past the photo's edges; {@link #extract} repeats the border pixels there.
 * A single box is off from the median by a few percent of its side in position and by up to about a tenth in size,
 * so the frame is as well; training's augmentation should cover that spread (docs/detection-report.md).
 *
 * @param boxX median left edge of the detector's box in a 250 x 250 LFW image
 * @param boxY median top edge of the box
 * @param boxSide median side of the box
 */
public record FaceFraming(double boxX, double boxY, double boxSide) {

    /** Side of a deep-funneled LFW image, the frame the network was trained on. */
    public static final int LFW_SIDE = 250;

    // Median box nearest the centre on 3,000 LFW images, default settings per cascade (DetectionBench framing).
    public static final FaceFraming HAAR_FRONTALFACE_ALT2 = new FaceFraming(70.5, 69.5, 111);
    public static final FaceFraming HAAR_FRONTALFACE_DEFAULT = new FaceFraming(68.0, 67.5, 116);
    public static final FaceFraming LBP_FRONTALFACE = new FaceFraming(68.5, 68.0, 115);
    public static final FaceFraming LBP_FRONTALFACE_IMPROVED = new FaceFraming(84.0, 93.0, 82);

    public FaceFraming {
        if (!(boxSide > 0 && boxSide <= LFW_SIDE)) {
            throw new IllegalArgumentException("boxSide must lie in (0, " + LFW_SIDE + "], not " + boxSide);
        }
    }

    /** The framing measured for one of the {@link FaceDetector} cascade constants. */
    public static FaceFraming forCascade(String cascade) {
        return switch (cascade) {
            case FaceDetector.HAAR_FRONTALFACE_ALT2 -> HAAR_FRONTALFACE_ALT2;
            case FaceDetector.HAAR_FRONTALFACE_DEFAULT -> HAAR_FRONTALFACE_DEFAULT;
            case FaceDetector.LBP_FRONTALFACE -> LBP_FRONTALFACE;
            case FaceDetector.LBP_FRONTALFACE_IMPROVED -> LBP_FRONTALFACE_IMPROVED;
            default -> throw new IllegalArgumentException("No measured framing for the cascade " + cascade);
        };
    }

    /**
     * A square region of a photo, in its pixels; it may extend past the photo's edges.
     *
     * @param x left edge
     * @param y top edge
     * @param side width and height
     */
    public record Region(double x, double y, double side) {
    }

    /** The region of the photo that corresponds to a whole 250 x 250 LFW frame around this face. */
    public Region frame(DetectedFace face) {
        Objects.requireNonNull(face, "face");
        double faceSide = (face.width() + face.height()) / 2.0;
        double scale = faceSide / boxSide;
        double centreX = boxX + boxSide / 2;
        double centreY = boxY + boxSide / 2;
        return new Region(face.centreX() - centreX * scale, face.centreY() - centreY * scale, LFW_SIDE * scale);
    }

    /**
     * Cuts a region out of a photo and resamples it to {@code side} x {@code side} (area averaging when shrinking,
     * bilinear when enlarging); the part of the region outside the photo repeats the photo's edge pixels.
     *
     * @return a new image of the photo's type; the caller closes it
     */
    public static Mat extract(Mat photo, Region region, int side) {
        Objects.requireNonNull(photo, "photo");
        if (photo.empty() || side < 1) {
            throw new IllegalArgumentException("Need a non-empty photo and a positive side");
        }
        int left = (int) Math.round(region.x());
        int top = (int) Math.round(region.y());
        int regionSide = Math.max(1, (int) Math.round(region.side()));
        int width = photo.cols();
        int height = photo.rows();
        if (left >= width || top >= height || left + regionSide <= 0 || top + regionSide <= 0) {
            throw new IllegalArgumentException("The region " + region + " lies outside the " + width + "x" + height
                    + " photo");
        }
        int insideLeft = Math.max(left, 0);
        int insideTop = Math.max(top, 0);
        int insideRight = Math.min(left + regionSide, width);
        int insideBottom = Math.min(top + regionSide, height);
        Mat result = new Mat();
        try (PointerScope scope = new PointerScope()) {
            Mat inside = new Mat(photo, new Rect(insideLeft, insideTop, insideRight - insideLeft,
                    insideBottom - insideTop));
            Mat square = inside;
            if (insideLeft != left || insideTop != top || insideRight != left + regionSide
                    || insideBottom != top + regionSide) {
                square = new Mat();
                copyMakeBorder(inside, square, insideTop - top, top + regionSide - insideBottom, insideLeft - left,
                        left + regionSide - insideRight, BORDER_REPLICATE);
            }
            resize(square, result, new Size(side, side), 0, 0, regionSide > side ? INTER_AREA : INTER_LINEAR);
        }
        return result;
    }
}
