package dev.visage.network;

import java.util.List;

/**
 * Shape of the face network: one Conv 3x3 -> [BatchNorm] -> ReLU -> MaxPool 2x2 block per entry of
 * {@code channels}, then a hidden fully connected layer and the output layer.
 *
 * @param channels output channels of each convolution block (each block halves the image side); multiples of
 *     {@value #CHANNEL_MULTIPLE}
 * @param hiddenUnits width of the hidden fully connected layer
 * @param dropout dropout rate before the output layer (0 disables it)
 * @param batchNorm whether each convolution is followed by batch normalisation (the "strong" preset)
 * @param cosineHead whether the output layer is a {@link CosineHead} behind a batch-normalised hidden layer (the
 *     face base, trained for its features) instead of ReLU, dropout and a linear layer (the models)
 */
public record NetworkConfig(
        List<Integer> channels, int hiddenUnits, float dropout, boolean batchNorm, boolean cosineHead) {

    /**
     * LibTorch 2.7.1's oneDNN 3.7.1 AVX-512 convolutions read uninitialised memory when a channel count is not a
     * multiple of their 16-lane block: gradients (or outputs) came back different on every run and often NaN
     * (measured with 4, 8, 12, 20 and 24 channels; multiples of 16 gave identical results every time).
     */
    public static final int CHANNEL_MULTIPLE = 16;

    /** The seed tutorial's network: three blocks of 16, 32, 64 channels, FC 128. */
    public static final NetworkConfig SEED = new NetworkConfig(List.of(16, 32, 64), 128, 0.3f, false);

    /** A stronger optional preset: batch normalisation and a fourth block. */
    public static final NetworkConfig STRONG = new NetworkConfig(List.of(32, 64, 128, 256), 256, 0.3f, true);

    /** A network with a linear output layer, as every model has. */
    public NetworkConfig(List<Integer> channels, int hiddenUnits, float dropout, boolean batchNorm) {
        this(channels, hiddenUnits, dropout, batchNorm, false);
    }

    public NetworkConfig {
        channels = List.copyOf(channels);
        if (channels.isEmpty() || channels.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("channels must be a non-empty list of positive numbers: " + channels);
        }
        if (channels.stream().anyMatch(c -> c % CHANNEL_MULTIPLE != 0)) {
            throw new IllegalArgumentException("channels must be multiples of " + CHANNEL_MULTIPLE + ", not " + channels
                    + ": the engine's fast convolutions compute wrong gradients for other counts");
        }
        if (hiddenUnits < 1) {
            throw new IllegalArgumentException("hiddenUnits must be positive: " + hiddenUnits);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1): " + dropout);
        }
    }

    /** Side of the feature map after all blocks, for an input of side {@code imageSize}. */
    public int featureSide(int imageSize) {
        int side = imageSize >> channels.size();
        if (side < 1 || imageSize % (1 << channels.size()) != 0) {
            throw new IllegalArgumentException(
                    "Input size " + imageSize + " cannot be halved " + channels.size() + " times evenly");
        }
        return side;
    }
}
