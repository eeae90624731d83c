package dev.visage.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * In inference, averages the wrapped network's logits on each image and on its mirror image; in training it is the
 * wrapped network itself. Faces are close to left-right symmetric, so the two views agree on the person and their
 * average is a steadier answer. Being part of the model, evaluation and serving both do it, in one batched pass.
 */
final class MirrorAveragingBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block network;

    MirrorAveragingBlock(Block network) {
        super(VERSION);
        this.network = addChildBlock("network", network);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        if (training) {
            return network.forward(parameterStore, inputs, true, params);
        }
        // One forward pass over the images and their mirror images together: half the calls, and a batch of two
        // costs LibTorch less than two batches of one.
        NDArray images = inputs.singletonOrThrow();
        long count = images.getShape().get(0);
        NDArray both = images.concat(images.flip(3), 0);
        NDArray logits =
                network.forward(parameterStore, new NDList(both), false, params).singletonOrThrow();
        return new NDList(
                logits.get("0:{}", count).add(logits.get("{}:", count)).div(2));
    }

    /**
     * The face features of each image, in inference: the wrapped network's hidden fully connected layer's output
     * (before its ReLU, so that features may point anywhere; after its batch norm in front of a cosine head) on the
     * image and on its mirror image, averaged, then scaled to unit length.
     */
    NDArray features(ParameterStore parameterStore, NDArray images) {
        long count = images.getShape().get(0);
        List<Block> layers = network.getChildren().values();
        NDList activations = new NDList(images.concat(images.flip(3), 0));
        int end = layers.get(layers.size() - 1) instanceof CosineHead ? layers.size() - 1 : hiddenLayer(layers) + 1;
        for (Block layer : layers.subList(0, end)) {
            activations = layer.forward(parameterStore, activations, false);
        }
        NDArray both = activations.singletonOrThrow();
        NDArray mean = both.get("0:{}", count).add(both.get("{}:", count));
        return CosineHead.unitRows(mean);
    }

    /** The index of the hidden fully connected layer: the last but one {@link Linear}. */
    private static int hiddenLayer(List<Block> layers) {
        int last = -1;
        int hidden = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Linear) {
                hidden = last;
                last = i;
            }
        }
        if (hidden < 0) {
            throw new IllegalStateException("The network has no hidden fully connected layer");
        }
        return hidden;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return network.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        network.initialize(manager, dataType, inputShapes);
    }
}
