package dev.visage.network;

import java.util.List;

/**
 * Shape of the face network: one Conv 3x3 -> [BatchNorm] -> ReLU -> MaxPool 2x2 block per entry of
 * {@code channels}, then a hidden fully connected layer and the output layer.
 *
 * @param channels output channels of each convolution block (each block halves the image side)
 * @param hiddenUnits width of the hidden fully connected layer
 * @param dropout dropout rate before the output layer (0 disables it)
 * @param batchNorm whether each convolution is followed by batch normalisation (the "strong" preset)
 */
public record NetworkConfig(List<Integer> channels, int hiddenUnits, float dropout, boolean batchNorm) {

    /** The seed tutorial's network: three blocks of 16, 32, 64 channels, FC 128. */
    public static final NetworkConfig SEED = new NetworkConfig(List.of(16, 32, 64), 128, 0.3f, false);

    /** A stronger optional preset: batch normalisation and a fourth block. */
    public static final NetworkConfig STRONG = new NetworkConfig(List.of(32, 64, 128, 256), 256, 0.3f, true);

    public NetworkConfig {
        channels = List.copyOf(channels);
        if (channels.isEmpty() || channels.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("channels must be a non-empty list of positive numbers: " + channels);
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
            throw new IllegalArgumentException("Input size " + imageSize + " cannot be halved " + channels.size()
                    + " times evenly");
        }
        return side;
    }
}
