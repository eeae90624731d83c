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
 * average is a steadier answer. Being part of the model, evaluation and serving both do it.
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
        NDArray images = inputs.singletonOrThrow();
        NDArray logits = network.forward(parameterStore, inputs, false, params).singletonOrThrow();
        NDArray mirrored = network.forward(parameterStore, new NDList(images.flip(3)), false, params)
                .singletonOrThrow();
        return new NDList(logits.add(mirrored).div(2));
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
