package dev.visage.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.List;

/** Builds the convolutional face classifier described by a {@link NetworkConfig}. */
public final class FaceNetwork {

    private FaceNetwork() {}

    /**
     * Conv-ReLU-Pool blocks, flatten, FC + ReLU, dropout, FC with one output per person (logits), or with a cosine
     * head FC + batch norm and {@link CosineHead}; in inference the logits are averaged over the image and its
     * mirror image (see {@link MirrorAveragingBlock}).
     */
    public static Block build(NetworkConfig config, int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("A classifier needs at least 2 classes, not " + classes);
        }
        SequentialBlock network = new SequentialBlock();
        for (int filters : config.channels()) {
            network.add(Conv2d.builder()
                    .setKernelShape(new Shape(3, 3))
                    .optPadding(new Shape(1, 1))
                    .setFilters(filters)
                    .build());
            if (config.batchNorm()) {
                network.add(BatchNorm.builder().build());
            }
            network.add(Activation::relu);
            network.add(new MaxPool2x2Block());
        }
        network.add(Blocks.batchFlattenBlock());
        network.add(Linear.builder().setUnits(config.hiddenUnits()).build());
        if (config.cosineHead()) {
            network.add(BatchNorm.builder().build());
            network.add(new CosineHead(classes, config.hiddenUnits()));
            return new MirrorAveragingBlock(network);
        }
        network.add(Activation::relu);
        if (config.dropout() > 0) {
            network.add(Dropout.builder().optRate(config.dropout()).build());
        }
        network.add(Linear.builder().setUnits(classes).build());
        return new MirrorAveragingBlock(network);
    }

    /** The margin, in logits, that training subtracts from the true class's logit: none for a linear head. */
    public static float trainingMargin(NetworkConfig config) {
        return config.cosineHead() ? CosineHead.SCALE * CosineHead.MARGIN : 0;
    }

    /**
     * The people's probabilities in each row of a network's logits (N x outputs, the people's outputs first, then
     * any background classes): the softmax over every output, of which the first {@code people} are kept, so the
     * background classes' share is left to someone else. Serving answers with these, and the store's self-test
     * checks them.
     */
    public static float[][] peopleProbabilities(NDArray logits, int people) {
        int outputs = (int) logits.getShape().get(1);
        float[] flat = logits.softmax(1).toFloatArray();
        float[][] rows = new float[flat.length / outputs][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * outputs, i * outputs + people);
        }
        return rows;
    }

    /**
     * The face features of each image of a batch (N x 3 x side x side, normalised as for the network) from a block
     * that {@link #build} made: the activations before the output layer, averaged over the image and its mirror
     * image, scaled to unit length (N x features). Faces of the same person give close vectors; in inference mode.
     */
    public static NDArray features(Block block, ParameterStore parameterStore, NDArray images) {
        if (!(block instanceof MirrorAveragingBlock network)) {
            throw new IllegalArgumentException(
                    "Not a face network: " + block.getClass().getSimpleName());
        }
        return network.features(parameterStore, images);
    }

    /**
     * The output layer of a block that {@link #build} made: one output per class. Every layer before it (the
     * convolutions, batch norms and the hidden layer) is the trunk that gives the face features.
     */
    public static Block outputLayer(Block block) {
        if (!(block instanceof MirrorAveragingBlock network)) {
            throw new IllegalArgumentException(
                    "Not a face network: " + block.getClass().getSimpleName());
        }
        List<Block> layers = network.getChildren().values().get(0).getChildren().values();
        return layers.get(layers.size() - 1);
    }

    /** The rows of an N x M matrix, as N arrays of M floats. */
    public static float[][] rows(NDArray matrix) {
        int columns = (int) matrix.getShape().get(1);
        float[] flat = matrix.toFloatArray();
        float[][] rows = new float[flat.length / Math.max(columns, 1)][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * columns, (i + 1) * columns);
        }
        return rows;
    }

    /** Number of trainable values; the block must be initialized. */
    public static long parameterCount(Block block) {
        long count = 0;
        for (Pair<String, Parameter> parameter : block.getParameters()) {
            if (parameter.getValue().requiresGradient()) {
                count += parameter.getValue().getArray().size();
            }
        }
        return count;
    }
}
