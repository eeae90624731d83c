package dev.visage.face;

/**
 * A decoded photo as the face pipeline reads it: 8-bit pixels, interleaved B, G, R, row after row, upright. One
 * plain array, so crops read it without a call per pixel, whichever decoder filled it.
 *
 * @param bgr {@code width * height * 3} bytes
 * @param width pixels per row
 * @param height rows
 */
public record Photo(byte[] bgr, int width, int height) {

    public Photo {
        if (width < 1 || height < 1 || bgr.length != width * height * 3) {
            throw new IllegalArgumentException(
                    "A " + width + "x" + height + " photo needs " + width * height * 3 + " bytes, not " + bgr.length);
        }
    }
}
