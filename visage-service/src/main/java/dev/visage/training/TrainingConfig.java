package dev.visage.training;

import dev.visage.dataset.OutsiderSample;
import dev.visage.dataset.PeopleSelection;
import dev.visage.face.FaceCrop;
import dev.visage.network.NetworkConfig;

/**
 * Everything one training run needs besides the data folder.
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
 * @param openSet how the network learns to answer "someone else", and how its threshold is calibrated
 * @param fromBase true: start from the newest stored face base's trunk with a new output layer (see
 *     {@link BaseTrunk}), taking the base's network and input instead of {@code network} and {@code crop}'s input
 *     size, refused when no base is stored; false: from scratch; null: from the newest base when one is stored,
 *     from scratch otherwise
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
        Augmentation augmentation,
        OpenSet openSet,
        Boolean fromBase) {

    /** Checked where the values come from: the bound {@link TrainingProperties} and {@code POST /train}'s body. */
    public TrainingConfig {
        warmupEpochs = Math.min(warmupEpochs, epochs - 1);
        network.featureSide(crop.imageSize());
    }

    /**
     * A run that starts where runs of its people start by default: from the face base when one is stored (it names
     * LFW's people more often at the same strangers' share, docs/benchmarks.md), and a model of the enrolled people
     * always from it (a few photos each; from scratch its job was refused by the quality gate).
     */
    public TrainingConfig(
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
            Augmentation augmentation,
            OpenSet openSet) {
        this(
                people,
                seed,
                crop,
                network,
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupEpochs,
                labelSmoothing,
                patience,
                augmentation,
                openSet,
                people instanceof PeopleSelection.Enrolled ? Boolean.TRUE : null);
    }

    /** The same run, started as {@code start} says (see {@code fromBase}). */
    public TrainingConfig withFromBase(Boolean start) {
        return new TrainingConfig(
                people,
                seed,
                crop,
                network,
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupEpochs,
                labelSmoothing,
                patience,
                augmentation,
                openSet,
                start);
    }

    /** The same run with another network and input geometry: those of the face base it starts from. */
    public TrainingConfig withNetwork(NetworkConfig baseNetwork, FaceCrop baseCrop) {
        return new TrainingConfig(
                people,
                seed,
                baseCrop,
                baseNetwork,
                epochs,
                batchSize,
                learningRate,
                weightDecay,
                warmupEpochs,
                labelSmoothing,
                patience,
                augmentation,
                openSet,
                fromBase);
    }

    /**
     * Random changes to training images, drawn per image and batch, for what users send: other framings, light,
     * colour and sharpness.
     *
     * @param shift maximum shift of the crop in input pixels, each direction
     * @param flip whether to mirror half of the images horizontally
     * @param brightness maximum relative brightness change (0.2: factor in [0.8, 1.2])
     * @param contrast maximum relative contrast change around the image's mean
     * @param saturation maximum relative saturation change around the image's grey
     * @param grayscale share of images turned grey
     * @param rotation maximum rotation, in degrees, each direction
     * @param scale maximum relative zoom in or out (0.1: the face 0.9 to 1.1 times its size)
     * @param blur share of images blurred with a 3 x 3 box filter
     */
    public record Augmentation(
            int shift,
            boolean flip,
            float brightness,
            float contrast,
            float saturation,
            float grayscale,
            float rotation,
            float scale,
            float blur) {

        /** The recipe's augmentation (docs/benchmarks.md has what each change gave). */
        public static final Augmentation STANDARD = new Augmentation(4, true, 0.2f, 0.3f, 0.3f, 0.1f, 10, 0.1f, 0.1f);

        /** The training images as they are. */
        public static final Augmentation NONE = new Augmentation(0, false, 0, 0, 0, 0, 0, 0, 0);

        /**
         * Pixels kept around each crop so that the largest shift, rotation and zoom-out still sample real image
         * content rather than the edge.
         */
        public int margin(int imageSize) {
            double radians = Math.toRadians(rotation);
            double reach = imageSize / 2.0 * (1 + scale) * (Math.cos(radians) + Math.sin(radians));
            return (int) Math.ceil(Math.max(0, reach - imageSize / 2.0)) + shift;
        }
    }

    /**
     * Outlier exposure and threshold calibration (Hendrycks et al., "Deep Anomaly Detection with Outlier
     * Exposure", 2019): images of people outside the model are mixed into training batches, those of the
     * background people as classes of their own after the model's people, the others with a uniform target, so
     * the network learns features that tell faces apart and to spread its probability away from the model's
     * people for a stranger; the threshold is then set on people that training never saw.
     *
     * @param sample how many images each outsider group contributes
     * @param outliersPerBatch outlier images added to every training batch (0: no outlier exposure)
     * @param outlierWeight weight of the outliers' uniform-target loss against the people's loss
     * @param strangerAcceptance share of outlier-validation images the calibrated threshold may still accept
     */
    public record OpenSet(OutsiderSample sample, int outliersPerBatch, float outlierWeight, float strangerAcceptance) {

        /** The recipe's outlier exposure and calibration (docs/benchmarks.md has how it was chosen). */
        public static final OpenSet STANDARD = new OpenSet(new OutsiderSample(240, 800, 300, 500), 16, 0.5f, 0.04f);

        /** Whether training shows the network outliers at all: background people, or others with their weight. */
        public boolean exposesOutliers() {
            return outliersPerBatch > 0
                    && (sample.backgroundPeople() > 0 || sample.outlierTrainImages() > 0 && outlierWeight > 0);
        }
    }
}
