package dev.visage.face;

/**
 * The geometry that turns a face in a photo into the network's input: the centred square of its {@link FaceFrame},
 * scaled to {@code imageSize} x {@code imageSize} by area averaging, as CHW floats in [0, 1].
 *
 * <p>{@code cropSize} is measured on LFW's {@code referenceSize} (250 px) aligned images; frames of other sizes are
 * cropped in proportion, so a photo of any resolution shows the same part of the face. Training and serving
 * both call {@link #toPixels}, so they see exactly the same pixels.
 *
 * @param cropSize side of the centred crop on a {@code referenceSize} image
 * @param referenceSize side of the images {@code cropSize} refers to
 * @param imageSize side of the network input
 */
public record FaceCrop(int cropSize, int referenceSize, int imageSize) {

    public static final int LFW_IMAGE_SIZE = 250;

    public FaceCrop {
        if (cropSize < 1 || referenceSize < cropSize || imageSize < 1) {
            throw new IllegalArgumentException("Invalid face crop: crop " + cropSize + " of " + referenceSize
                    + " resized to " + imageSize + " (need 1 <= crop <= reference, size >= 1)");
        }
    }

    public static FaceCrop of(int cropSize, int imageSize) {
        return new FaceCrop(cropSize, LFW_IMAGE_SIZE, imageSize);
    }

    /** Values per image for a given margin: 3 channels of (imageSize + 2 margin)^2 pixels. */
    public int pixelCount(int margin) {
        int side = imageSize + 2 * margin;
        return 3 * side * side;
    }

    /**
     * Writes the crop of {@code frame} into {@code out} (CHW, [0, 1]) at {@code offset}.
     *
     * @param frame the square of the photo that stands for a whole {@code referenceSize} image
     * @param margin extra output pixels on every side, taken from the image around the crop, so that training can
     *     shift the crop by up to {@code margin} pixels with real image content instead of padding
     */
    public void toPixels(Photo photo, FaceFrame frame, int margin, float[] out, int offset) {
        double scale = cropSize * frame.side() / referenceSize / imageSize;
        int side = imageSize + 2 * margin;
        double regionSide = side * scale;
        double left = frame.x() + (frame.side() - regionSide) / 2;
        double top = frame.y() + (frame.side() - regionSide) / 2;

        AxisWeights columns = AxisWeights.of(left, scale, side, photo.width());
        AxisWeights rows = AxisWeights.of(top, scale, side, photo.height());
        float[] horizontal = horizontalPass(photo, columns, rows, side);
        verticalPass(horizontal, rows, side, out, offset);
    }

    /** Separable box filter, first pass: each source row averaged into {@code side} output columns (RGB). */
    private static float[] horizontalPass(Photo photo, AxisWeights columns, AxisWeights rows, int side) {
        byte[] bgr = photo.bgr();
        float[] horizontal = new float[rows.span() * side * 3];
        for (int y = 0; y < rows.span(); y++) {
            int rowStart = ((rows.first() + y) * photo.width() + columns.first()) * 3;
            for (int ox = 0; ox < side; ox++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = columns.start(ox); k < columns.start(ox + 1); k++) {
                    int at = rowStart + columns.source(k) * 3;
                    float w = columns.weight(k);
                    b += w * (bgr[at] & 0xff);
                    g += w * (bgr[at + 1] & 0xff);
                    r += w * (bgr[at + 2] & 0xff);
                }
                int at = (y * side + ox) * 3;
                horizontal[at] = r;
                horizontal[at + 1] = g;
                horizontal[at + 2] = b;
            }
        }
        return horizontal;
    }

    /** Second pass: rows averaged into the output, written as CHW planes scaled to [0, 1]. */
    private static void verticalPass(float[] horizontal, AxisWeights rows, int side, float[] out, int offset) {
        int plane = side * side;
        for (int oy = 0; oy < side; oy++) {
            for (int ox = 0; ox < side; ox++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = rows.start(oy); k < rows.start(oy + 1); k++) {
                    int at = (rows.source(k) * side + ox) * 3;
                    float w = rows.weight(k);
                    r += w * horizontal[at];
                    g += w * horizontal[at + 1];
                    b += w * horizontal[at + 2];
                }
                int pixel = offset + oy * side + ox;
                out[pixel] = r / 255f;
                out[pixel + plane] = g / 255f;
                out[pixel + 2 * plane] = b / 255f;
            }
        }
    }

    /**
     * Area-averaging weights along one axis: output pixel {@code o} covers source interval
     * {@code [origin + o*scale, origin + (o+1)*scale)}; source pixels outside the image repeat the edge.
     */
    private record AxisWeights(int first, int span, int[] starts, int[] sources, float[] weights) {

        static AxisWeights of(double origin, double scale, int outputs, int limit) {
            int first = clamp((int) Math.floor(origin), limit);
            int last = clamp((int) Math.ceil(origin + outputs * scale) - 1, limit);
            int perOutput = (int) Math.ceil(scale) + 2;
            int[] starts = new int[outputs + 1];
            int[] sources = new int[outputs * perOutput];
            float[] weights = new float[outputs * perOutput];
            int n = 0;
            for (int o = 0; o < outputs; o++) {
                starts[o] = n;
                double from = origin + o * scale;
                double to = from + scale;
                for (int s = (int) Math.floor(from); s < to; s++) {
                    double overlap = Math.min(to, s + 1) - Math.max(from, s);
                    if (overlap > 1e-9) {
                        sources[n] = clamp(s, limit) - first;
                        weights[n] = (float) (overlap / scale);
                        n++;
                    }
                }
            }
            starts[outputs] = n;
            return new AxisWeights(first, last - first + 1, starts, sources, weights);
        }

        private static int clamp(int index, int limit) {
            return Math.max(0, Math.min(limit - 1, index));
        }

        int start(int output) {
            return starts[output];
        }

        int source(int k) {
            return sources[k];
        }

        float weight(int k) {
            return weights[k];
        }
    }
}
