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
 * A single box is off from the median by a few percent of its side in position and by up to about a tenth in size,
 * so the frame is as well; training on the detector's own frames teaches the network that spread.
 *
 * @param boxX median left edge of the detector's box in a 250 x 250 LFW image
 * @param boxY median top edge of the box
 * @param boxSide median side of the box
 */
public record BoxFraming(double boxX, double boxY, double boxSide) {

    /** Side of a deep-funneled LFW image, the frame the network was trained on. */
    public static final int LFW_SIDE = 250;

    // Median box nearest the centre on 3,000 LFW images, default settings per cascade (DetectionBench framing).
    public static final BoxFraming HAAR_FRONTALFACE_ALT2 = new BoxFraming(70.5, 69.5, 111);
    public static final BoxFraming HAAR_FRONTALFACE_DEFAULT = new BoxFraming(68.0, 67.5, 116);
    public static final BoxFraming LBP_FRONTALFACE = new BoxFraming(68.5, 68.0, 115);
    public static final BoxFraming LBP_FRONTALFACE_IMPROVED = new BoxFraming(84.0, 93.0, 82);
    // alt2 checking LBP proposals (faces from 40 px, the first scan on the unequalised copy): its boxes are larger
    // than alt2's own, as its finer checking steps find more of the larger windows (DetectionBench framing alt2 1.3
    // 3 40, with bench.proposals=lbp).
    public static final BoxFraming HAAR_FRONTALFACE_ALT2_CHECKING_LBP = new BoxFraming(68.0, 68.0, 114);

    public BoxFraming {
        if (!(boxSide > 0 && boxSide <= LFW_SIDE)) {
            throw new IllegalArgumentException("boxSide must lie in (0, " + LFW_SIDE + "], not " + boxSide);
        }
    }

    /** The framing measured for a detector's settings: its cascade, and the proposals it checks if any. */
    public static BoxFraming forDetector(DetectorSettings settings) {
        if (settings.proposalCascade() == null) {
            return forCascade(settings.cascade());
        }
        if (settings.cascade().equals(FaceDetector.HAAR_FRONTALFACE_ALT2)
                && settings.proposalCascade().equals(FaceDetector.LBP_FRONTALFACE)) {
            return HAAR_FRONTALFACE_ALT2_CHECKING_LBP;
        }
        throw new IllegalArgumentException("No measured framing for the cascade " + settings.cascade()
                + " checking the proposals of " + settings.proposalCascade()
                + ": let it scan alone (visage.detection.proposals=none), or check proposals with haar-alt2");
    }

    /** The framing measured for one of the {@link FaceDetector} cascade constants scanning alone. */
    public static BoxFraming forCascade(String cascade) {
        return switch (cascade) {
            case FaceDetector.HAAR_FRONTALFACE_ALT2 -> HAAR_FRONTALFACE_ALT2;
            case FaceDetector.HAAR_FRONTALFACE_DEFAULT -> HAAR_FRONTALFACE_DEFAULT;
            case FaceDetector.LBP_FRONTALFACE -> LBP_FRONTALFACE;
            case FaceDetector.LBP_FRONTALFACE_IMPROVED -> LBP_FRONTALFACE_IMPROVED;
            default -> throw new IllegalArgumentException("No measured framing for the cascade " + cascade);
        };
    }

    /** The square of the photo that corresponds to a whole 250 x 250 LFW image around this face. */
    public FaceFrame frame(FaceBox face) {
        Objects.requireNonNull(face, "face");
        double faceSide = (face.width() + face.height()) / 2.0;
        double scale = faceSide / boxSide;
        double centreX = boxX + boxSide / 2;
        double centreY = boxY + boxSide / 2;
        return new FaceFrame(face.centreX() - centreX * scale, face.centreY() - centreY * scale, LFW_SIDE * scale);
    }
}
