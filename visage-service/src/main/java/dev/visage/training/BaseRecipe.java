package dev.visage.training;

import dev.visage.dataset.OutsiderSample;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;
import java.util.List;

/**
 * How the face base is trained (the people-disjoint split is fixed, see {@link dev.visage.dataset.BaseSplit}).
 * Everything else (seed, crop, batch size, weight decay, warm-up, label smoothing, augmentation) is the models'
 * ({@code visage.training.*}).
 *
 * @param network the base's network, of the product's family; its hidden layer gives the face features
 * @param imageSize side of its input, the models' crop scaled to it
 * @param augmentation random changes to its training images
 * @param epochs passes over the base people's training images
 * @param learningRate peak AdamW learning rate
 */
public record BaseRecipe(
        NetworkConfig network,
        int imageSize,
        TrainingConfig.Augmentation augmentation,
        int epochs,
        float learningRate) {

    /** A light augmentation: the base must fit many people with few photos each, in few epochs. */
    private static final TrainingConfig.Augmentation LIGHT =
            new TrainingConfig.Augmentation(2, true, 0.1f, 0.1f, 0, 0, 0, 0, 0);

    /**
     * The measured default, chosen on the split's calibration people and strangers only (docs/benchmarks.md has
     * the runs): a cosine head, 32-64-128 channels, 48x48 input, 60 epochs. A peak rate of 0.003, not 0.005: at 0.005
     * the training collapsed after its third epoch on one machine with AVX-512 under LibTorch's default kernels
     * (chance accuracy from then on), while the same run with {@code ATEN_CPU_CAPABILITY=avx2} did not.
     */
    public static final BaseRecipe STANDARD =
            new BaseRecipe(new NetworkConfig(List.of(32, 64, 128), 256, 0, true, true), 48, LIGHT, 60, 0.003f);

    public BaseRecipe {
        if (epochs < 1 || epochs > TrainingProperties.MAX_EPOCHS) {
            throw new IllegalArgumentException("epochs must be in [1, " + TrainingProperties.MAX_EPOCHS + "]");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be positive: " + learningRate);
        }
    }

    /**
     * The run that trains a base on {@code people} (classes in that order), from the models' defaults: plain
     * softmax over the base people, no outsiders (the base's held-out people are never shown).
     */
    public TrainingConfig toConfig(TrainingConfig modelDefaults, List<String> people) {
        return new TrainingConfig(
                PeopleSelection.named(people),
                modelDefaults.seed(),
                FaceCrop.of(modelDefaults.crop().cropSize(), imageSize),
                network,
                epochs,
                modelDefaults.batchSize(),
                learningRate,
                modelDefaults.weightDecay(),
                modelDefaults.warmupEpochs(),
                modelDefaults.labelSmoothing(),
                0,
                augmentation,
                new TrainingConfig.OpenSet(OutsiderSample.NONE, 0, 0, 0));
    }
}
