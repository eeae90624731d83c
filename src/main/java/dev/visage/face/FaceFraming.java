package dev.visage.face;

import java.util.Objects;

/**
 * Maps a detector's face box to the square part of the photo that a deep-funneled LFW image (250 x 250) of the
 * same face would show, so that the network, trained on LFW's framing, sees an uploaded face as in training: the
 * existing centred crop ({@code FaceCrop}, 128 of 250) applied to that square sees the same part of the face.
 *
 * <p>The record holds where the same detector's box lies, by median, in the 250 x 250 LFW images; a box in a photo
 * then fixes the frame by similarity (same relative position and scale). Boxes are taken as squares (cascade
 * windows are square). The frame may reach past the photo's edges; {@link FaceCrop} repeats the border pixels there.
 *
 * @param boxX median left edge of the detector's box in a 250 x 250 LFW image
 * @param boxY median top edge of the box
 * @param boxSide median side of the box
 */
public record FaceFraming(double boxX, double boxY, double boxSide) {

    /** Side of a deep-funneled LFW image, the frame the network was trained on. */
    public static final int LFW_SIDE = 250;

    // The constants below: median box, nearest the centre, of the cascade at the default settings over 3,000 LFW
    // deep-funneled images (DetectionBench framing, docs/detection-report.md).
    public static final FaceFraming HAAR_FRONTALFACE_ALT2 = new FaceFraming(69.5, 68.5, 112);
    public static final FaceFraming HAAR_FRONTALFACE_DEFAULT = new FaceFraming(67.5, 67.0, 115);
    public static final FaceFraming LBP_FRONTALFACE = new FaceFraming(68.0, 67.5, 114);
    public static final FaceFraming LBP_FRONTALFACE_IMPROVED = new FaceFraming(86.5, 95.0, 77);

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

    /** The square of the photo that corresponds to a whole 250 x 250 LFW image around this face. */
    public LfwFrame frame(DetectedFace face) {
        Objects.requireNonNull(face, "face");
        double faceSide = (face.width() + face.height()) / 2.0;
        double scale = faceSide / boxSide;
        double centreX = boxX + boxSide / 2;
        double centreY = boxY + boxSide / 2;
        return new LfwFrame(face.centreX() - centreX * scale, face.centreY() - centreY * scale, LFW_SIDE * scale);
    }
}
