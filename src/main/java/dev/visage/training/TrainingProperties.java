package dev.visage.training;

import dev.visage.dataset.OutsiderSample;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.training.*}: defaults of every training run (the CLI's, start-up's and {@code POST /train}'s).
 *
 * @param people train on the N people with the most images (ignored when {@code names} is set)
 * @param names train on exactly these people, in this class order
 * @param seed seed of the split, initial weights, shuffling and augmentation
 * @param cropSize side of the centred face crop on a 250x250 LFW image
 * @param imageSize side of the network input
 * @param epochs maximum epochs
 * @param batchSize images per step
 * @param learningRate peak AdamW learning rate
 * @param weightDecay AdamW weight decay
 * @param warmupEpochs epochs of linear warm-up before the cosine decay
 * @param labelSmoothing label smoothing of the cross-entropy loss
 * @param patience stop after this many epochs without a better validation accuracy (0: never)
 * @param shift random shift of the crop, in input pixels (0: none)
 * @param flip random horizontal flips
 * @param brightness random brightness change, relative (0: none)
 * @param contrast random contrast change, relative (0: none)
 * @param saturation random saturation change, relative (0: none)
 * @param grayscale share of training images turned grey
 * @param rotation random rotation, in degrees each way (0: none)
 * @param scale random zoom, relative (0: none)
 * @param blur share of training images blurred
 * @param detectFaces crop each image around the face the detector finds, as serving crops uploads (false: the
 *     centred crop of LFW's alignment)
 * @param openSet outlier exposure and threshold calibration ({@code visage.training.open-set.*})
 */
@Validated
@ConfigurationProperties(prefix = "visage.training", ignoreUnknownFields = false)
public record TrainingProperties(
        @Min(2) @DefaultValue("10") int people,
        List<String> names,
        @DefaultValue("42") long seed,
        @Min(8) @Max(250) @DefaultValue("128") int cropSize,
        @Min(8) @Max(512) @DefaultValue("64") int imageSize,
        @Min(1) @Max(1000) @DefaultValue("80") int epochs,
        @Min(1) @Max(4096) @DefaultValue("64") int batchSize,

        @DecimalMin(value = "0.0", inclusive = false) @DecimalMax("0.5") @DefaultValue("0.003")
        float learningRate,

        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.05")
        float weightDecay,

        @Min(0) @DefaultValue("2") int warmupEpochs,

        @DecimalMin("0.0") @DecimalMax("0.5") @DefaultValue("0.1")
        float labelSmoothing,

        @Min(0) @DefaultValue("0") int patience,
        @Min(0) @Max(32) @DefaultValue("4") int shift,
        @DefaultValue("true") boolean flip,

        @DecimalMin("0.0") @DecimalMax("0.9") @DefaultValue("0.2")
        float brightness,

        @DecimalMin("0.0") @DecimalMax("0.9") @DefaultValue("0.3")
        float contrast,

        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.3")
        float saturation,

        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.1")
        float grayscale,

        @DecimalMin("0.0") @DecimalMax("45.0") @DefaultValue("10")
        float rotation,

        @DecimalMin("0.0") @DecimalMax("0.45") @DefaultValue("0.1")
        float scale,

        @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.1")
        float blur,

        @DefaultValue("true") boolean detectFaces,
        @Valid @DefaultValue OpenSetProperties openSet) {

    /**
     * {@code visage.training.open-set.*}: teaching the network strangers, and calibrating its threshold.
     *
     * @param backgroundPeople outlier-train people with the most images who train as classes of their own, with
     *     all their images (0: none)
     * @param outlierImages images of the other outlier-train people sampled for training with a uniform target
     * @param validationImages images of outlier-validation people sampled for calibration
     * @param strangerImages images of stranger-test people sampled for the open-set figures
     * @param outliersPerBatch outlier images added to every training batch
     * @param outlierWeight weight of the outliers' uniform-target loss
     * @param strangerAcceptance share of outlier-validation images the calibrated threshold may accept
     */
    public record OpenSetProperties(
            @Min(0) @Max(2000) @DefaultValue("240") int backgroundPeople,
            @Min(0) @Max(20000) @DefaultValue("800") int outlierImages,
            @Min(0) @Max(20000) @DefaultValue("300") int validationImages,
            @Min(0) @Max(20000) @DefaultValue("500") int strangerImages,
            @Min(0) @Max(4096) @DefaultValue("16") int outliersPerBatch,

            @DecimalMin("0.0") @DecimalMax("10.0") @DefaultValue("0.5")
            float outlierWeight,

            @DecimalMin(value = "0.0", inclusive = false)
            @DecimalMax(value = "1.0", inclusive = false)
            @DefaultValue("0.04")
            float strangerAcceptance) {

        TrainingConfig.OpenSet toOpenSet() {
            return new TrainingConfig.OpenSet(
                    new OutsiderSample(backgroundPeople, outlierImages, validationImages, strangerImages),
                    outliersPerBatch,
                    outlierWeight,
                    strangerAcceptance);
        }
    }

    /** The people this configuration selects. */
    public PeopleSelection selection() {
        return names == null || names.isEmpty() ? PeopleSelection.top(people) : PeopleSelection.named(names);
    }

    /** A complete run configuration for the given network. */
    public TrainingConfig toConfig(NetworkConfig network) {
        return new TrainingConfig(
                selection(),
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
                new TrainingConfig.Augmentation(
                        shift, flip, brightness, contrast, saturation, grayscale, rotation, scale, blur),
                openSet.toOpenSet());
    }
}
