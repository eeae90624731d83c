package dev.visage.training;

import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.training.*}: defaults of every training run (the CLI's, start-up's and {@code POST /train}'s). The
 * outlier exposure and calibration are always {@link TrainingConfig.OpenSet#STANDARD}.
 *
 * @param people who to train on: a number N, at least 2 (the N people with the most images), at least 2 distinct
 *     comma-separated names (exactly these people, in this class order), or {@code enrolled} (the enrolled people
 *     with at least 3 photos each; LFW's people are then outsiders only)
 * @param seed seed of the split, initial weights, shuffling and augmentation
 * @param cropSize side of the centred face crop on a 250x250 LFW image
 * @param imageSize side of the network input
 * @param epochs maximum epochs
 * @param batchSize images per step
 * @param learningRate peak AdamW learning rate
 * @param weightDecay AdamW weight decay
 * @param warmupEpochs epochs of linear warm-up before the cosine decay; a run of fewer epochs warms up for all but
 *     its last
 * @param labelSmoothing label smoothing of the cross-entropy loss
 * @param patience stop after this many epochs without a better validation accuracy (0: never)
 * @param augment change the training images at random: shifts, mirror images, brightness, contrast, saturation,
 *     grey, rotation, zoom and blur, as the recipe's augmentation sets them; false: train on the images as they are
 * @param detectFaces crop each image around the face the detector finds, as serving crops uploads (false: the
 *     centred crop of LFW's alignment)
 */
@Validated
@ConfigurationProperties(prefix = "visage.training", ignoreUnknownFields = false)
public record TrainingProperties(
        @DefaultValue("10") PeopleSelection people,
        @DefaultValue("42") long seed,
        @Min(8) @Max(250) @DefaultValue("128") int cropSize,
        @Min(8) @Max(512) @DefaultValue("64") int imageSize,
        @Min(1) @Max(MAX_EPOCHS) @DefaultValue("80") int epochs,
        @Min(1) @Max(MAX_BATCH_SIZE) @DefaultValue("64") int batchSize,

        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax(MAX_LEARNING_RATE) @DefaultValue("0.003")
        float learningRate,

        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.05")
        float weightDecay,

        @Min(0) @DefaultValue("2") int warmupEpochs,

        @DecimalMin("0.0") @DecimalMax("0.5") @DefaultValue("0.1")
        float labelSmoothing,

        @Min(0) @DefaultValue("0") int patience,
        @DefaultValue("true") boolean augment,
        @DefaultValue("true") boolean detectFaces) {

    /** Most epochs of a run, configured or requested. */
    public static final int MAX_EPOCHS = 1000;

    /** Most images per step, configured or requested. */
    public static final int MAX_BATCH_SIZE = 4096;

    /** Highest peak learning rate, configured or requested. */
    public static final String MAX_LEARNING_RATE = "0.5";

    /** A complete run configuration for the given network. */
    public TrainingConfig toConfig(NetworkConfig network) {
        return new TrainingConfig(
                people,
                seed,
                FaceCrop.of(cropSize, imageSize),
                network,
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupEpochs,
                labelSmoothing,
                patience,
                augment ? TrainingConfig.Augmentation.STANDARD : TrainingConfig.Augmentation.NONE,
                TrainingConfig.OpenSet.STANDARD);
    }
}
