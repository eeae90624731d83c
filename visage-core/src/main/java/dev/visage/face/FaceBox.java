package dev.visage.face;

/**
 * A face the detector found, as an axis-aligned box in the pixels of the photo given to
 * {@link FaceDetector#detect}, not of the reduced copy the cascade ran on.
 *
 * @param x left edge of the box
 * @param y top edge of the box
 * @param width box width (cascade boxes are square, so width and height differ by rounding only)
 * @param height box height
 * @param score the cascade's vote count: how many raw detection windows were merged into this box; more votes
 *     means a more certain face. It is a count, not a normalised probability, and only comparable between boxes of
 *     the same detector settings.
 */
public record FaceBox(int x, int y, int width, int height, int score) {

    public FaceBox {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Empty face box " + width + "x" + height);
        }
    }

    /** Horizontal centre of the box. */
    public double centreX() {
        return x + width / 2.0;
    }

    /** Vertical centre of the box. */
    public double centreY() {
        return y + height / 2.0;
    }

    /** Box area in pixels. */
    public long area() {
        return (long) width * height;
    }
}
