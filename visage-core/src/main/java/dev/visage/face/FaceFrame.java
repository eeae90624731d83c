package dev.visage.face;

/**
 * The square of a photo that plays the part of a whole 250 x 250 deep-funneled LFW image: the face sits in it
 * where LFW's faces sit in theirs, so the same crop of it shows the same part of the face.
 *
 * @param x left edge, in photo pixels (may lie outside the photo)
 * @param y top edge, in photo pixels (may lie outside the photo)
 * @param side side length, in photo pixels
 */
public record FaceFrame(double x, double y, double side) {

    public FaceFrame {
        if (!(side > 0) || !Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(side)) {
            throw new IllegalArgumentException("Invalid frame " + x + ", " + y + ", side " + side);
        }
    }

    /** The frame of an already aligned photo, such as an LFW image: its centred square. */
    public static FaceFrame centred(int width, int height) {
        int side = Math.min(width, height);
        return new FaceFrame((width - side) / 2.0, (height - side) / 2.0, side);
    }
}
