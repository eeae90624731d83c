package dev.visage.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

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

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return network.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        network.initialize(manager, dataType, inputShapes);
    }
}
