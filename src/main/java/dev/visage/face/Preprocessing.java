package dev.visage.face;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Transform;
import java.util.Arrays;

/**
 * Everything between a decoded photo and the network: the {@link FaceCrop} geometry and the training set's
 * per-channel mean and standard deviation. Stored with each model so that serving repeats training exactly.
 */
public record Preprocessing(FaceCrop crop, float[] mean, float[] std) implements Transform {

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
     * The crop with the per-channel mean and standard deviation of the central crops of {@code images} (N x 3 x
     * (size + 2 margin)^2, in [0, 1]).
     */
    public static Preprocessing measure(FaceCrop crop, NDArray images, int margin) {
        try (NDManager scope = NDManager.newBaseManager()) {
            int end = margin + crop.imageSize();
            NDArray central = images.get(":, :, {}:{}, {}:{}", margin, end, margin, end);
            central.attach(scope);
            NDArray perChannel = central.transpose(1, 0, 2, 3).reshape(3, -1);
            NDArray mean = perChannel.mean(new int[] {1}, true);
            NDArray std = perChannel.sub(mean).pow(2).mean(new int[] {1}).sqrt();
            return new Preprocessing(crop, mean.toFloatArray(), std.toFloatArray());
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
