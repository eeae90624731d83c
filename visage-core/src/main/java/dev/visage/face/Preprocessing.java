package dev.visage.face;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Transform;
import java.util.Arrays;

/**
 * Everything between a decoded photo and the network: the {@link FaceCrop} geometry and the training set's
 * per-channel mean and standard deviation. Stored with each model so that serving repeats training exactly.
 */
public record Preprocessing(FaceCrop crop, float[] mean, float[] std) implements Transform {

    /** Images measured at once: a few megabytes of floats. */
    private static final int MEASURE_CHUNK = 256;

    public Preprocessing {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need one value per RGB channel");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Measures the per-channel mean and standard deviation of the central crop of training images stored as bytes
     * (N x 3 x side x side, {@code UINT8}, 0-255 for [0, 1]), a chunk at a time, so that no float copy of the whole
     * set is ever made.
     */
    public static Preprocessing measure(FaceCrop crop, NDArray images, int margin) {
        if (images.getDataType() != DataType.UINT8) {
            throw new IllegalArgumentException("Expected images stored as bytes, not " + images.getDataType());
        }
        int end = margin + crop.imageSize();
        long count = images.getShape().get(0);
        double[] sum = new double[3];
        double[] squares = new double[3];
        for (long from = 0; from < count; from += MEASURE_CHUNK) {
            try (NDManager scope = NDManager.newBaseManager()) {
                NDArray central = images.get(
                        "{}:{}, :, {}:{}, {}:{}",
                        from,
                        Math.min(count, from + MEASURE_CHUNK),
                        margin,
                        end,
                        margin,
                        end);
                central.attach(scope);
                NDArray unit = central.toType(DataType.FLOAT32, false).div(255f);
                add(
                        sum,
                        unit.sum(new int[] {0, 2, 3})
                                .toType(DataType.FLOAT64, false)
                                .toDoubleArray());
                add(
                        squares,
                        unit.square()
                                .sum(new int[] {0, 2, 3})
                                .toType(DataType.FLOAT64, false)
                                .toDoubleArray());
            }
        }
        return fromSums(crop, sum, squares, (double) count * crop.imageSize() * crop.imageSize());
    }

    /** The mean and standard deviation of each channel from the sums of its values and of their squares. */
    private static Preprocessing fromSums(FaceCrop crop, double[] sum, double[] squares, double values) {
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            double m = sum[c] / values;
            mean[c] = (float) m;
            std[c] = (float) Math.sqrt(Math.max(0, squares[c] / values - m * m));
        }
        return new Preprocessing(crop, mean, std);
    }

    private static void add(double[] total, double[] values) {
        for (int c = 0; c < total.length; c++) {
            total[c] += values[c];
        }
    }

    /** As a DJL transform: {@link #normalize}. */
    @Override
    public NDArray transform(NDArray images) {
        return normalize(images);
    }

    /** Normalises a batch of CHW images in [0, 1] (shape N x 3 x H x W) channel by channel. */
    public NDArray normalize(NDArray images) {
        Shape channels = new Shape(1, 3, 1, 1);
        NDArray meanArray = images.getManager().create(mean, channels);
        NDArray stdArray = images.getManager().create(std, channels);
        return images.sub(meanArray).div(stdArray);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Preprocessing that
                && crop.equals(that.crop)
                && Arrays.equals(mean, that.mean)
                && Arrays.equals(std, that.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * crop.hashCode() + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preprocessing[crop=" + crop + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
