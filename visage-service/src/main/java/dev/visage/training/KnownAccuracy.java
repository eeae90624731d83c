package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.util.Pair;

/**
 * DJL's accuracy over the images of the model's people only, answered with the most likely of the people (the
 * first {@code people} outputs, as serving answers): outliers (label {@code -1}) and background people have no
 * right answer among them.
 */
final class KnownAccuracy extends Accuracy {

    private final int people;

    KnownAccuracy(String name, int people) {
        super(name);
        this.people = people;
    }

    @Override
    protected Pair<Long, NDArray> accuracyHelper(NDList labels, NDList predictions) {
        NDArray label = labels.head();
        NDArray known = label.gte(0).logicalAnd(label.lt(people));
        NDArray predicted = predictions.head().get(":, :{}", people).argMax(1).toType(DataType.INT64, false);
        NDArray correct = predicted
                .eq(label.toType(DataType.INT64, false))
                .logicalAnd(known)
                .countNonzero();
        return new Pair<>(known.countNonzero().getLong(), correct);
    }
}
