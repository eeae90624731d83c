package dev.visage.training;

import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;

/**
 * Everything one training run needs besides the data folder. Validated on construction.
 *
 * @param people who the model tells apart
 * @param seed seed of the split, the initial weights, shuffling and augmentation
 * @param crop input geometry
 * @param network network shape
 * @param epochs maximum number of passes over the training part
 * @param batchSize images per optimizer step
 * @param learningRate peak learning rate of the warm-up + cosine schedule (AdamW)
 * @param weightDecay AdamW's decoupled weight decay
 * @param warmupEpochs epochs of linear learning-rate warm-up; a run of fewer epochs warms up for all but its last
 * @param labelSmoothing share of the target probability spread over all classes (0 disables it)
 * @param patience epochs without a better validation accuracy before stopping early (0 never stops early)
 * @param augmentation random changes applied to training batches
 */
public record TrainingConfig(
        PeopleSelection people,
        long seed,
        FaceCrop crop,
        NetworkConfig network,
        int epochs,
        int batchSize,
        float learningRate,
        float weightDecay,
        int warmupEpochs,
        float labelSmoothing,
        int patience,
        Augmentation augmentation) {

    public TrainingConfig {
        require(epochs >= 1, "epochs must be >= 1");
        require(batchSize >= 1, "batchSize must be >= 1");
        require(learningRate > 0 && learningRate < 1, "learningRate must be in (0, 1)");
        require(weightDecay >= 0, "weightDecay must be >= 0");
        require(warmupEpochs >= 0, "warmupEpochs must be >= 0");
        warmupEpochs = Math.min(warmupEpochs, epochs - 1);
        require(labelSmoothing >= 0 && labelSmoothing < 1, "labelSmoothing must be in [0, 1)");
        require(patience >= 0, "patience must be >= 0");
        network.featureSide(crop.imageSize());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Random changes to training images, drawn per image and batch.
     *
     * @param shift maximum shift of the crop in input pixels, each direction
     * @param flip whether to mirror half of the images horizontally
     * @param brightness maximum relative brightness change (0.2: factor in [0.8, 1.2])
     */
    public record Augmentation(int shift, boolean flip, float brightness) {

        public static final Augmentation NONE = new Augmentation(0, false, 0);

        public Augmentation {
            require(shift >= 0, "shift must be >= 0");
            require(brightness >= 0 && brightness < 1, "brightness must be in [0, 1)");
        }
    }
}
