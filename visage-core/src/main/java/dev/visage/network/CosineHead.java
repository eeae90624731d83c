package dev.visage.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The output layer of the face base, which is trained for its features (CosFace): the cosine between a face's
 * features and each class's weight row, both scaled to unit length, times {@value #SCALE}. Classes then differ
 * only by direction, as enrolled people are told apart by the cosine of their features; in training the true
 * class's cosine is lowered by {@value #MARGIN}, so that each person's faces gather closer than needed to win.
 */
public final class CosineHead extends AbstractBlock {

    /** Logits per unit of cosine: large enough that a softmax over hundreds of classes can be confident. */
    public static final float SCALE = 16;

    /**
     * Cosine margin subtracted from the true class in training: CosFace's usual 0.35, measured better than 0.2 on
     * the base split's calibration group (docs/benchmarks.md, "The face base and new people").
     */
    public static final float MARGIN = 0.35f;

    private static final byte VERSION = 1;
    /** Keeps an all-zero row (every unit silent) from dividing by zero. */
    private static final float MIN_NORM = 1e-12f;

    private final Parameter weight;
    private final int classes;

    CosineHead(int classes, int features) {
        super(VERSION);
        this.classes = classes;
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(classes, features))
                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = inputs.singletonOrThrow();
        NDArray rows = parameterStore.getValue(weight, features.getDevice(), training);
        return new NDList(unitRows(features).matMul(unitRows(rows).transpose()).mul(SCALE));
    }

    /** The rows of a matrix scaled to unit length. */
    static NDArray unitRows(NDArray matrix) {
        return matrix.div(matrix.norm(new int[] {1}, true).maximum(MIN_NORM));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), classes)};
    }
}
