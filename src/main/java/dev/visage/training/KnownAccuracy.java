package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.util.Pair;

/** DJL's accuracy over the images of the model's people only: outliers (label {@code -1}) have no right class. */
final class KnownAccuracy extends Accuracy {

    KnownAccuracy(String name) {
        super(name);
    }

    @Override
    protected Pair<Long, NDArray> accuracyHelper(NDList labels, NDList predictions) {
        NDArray label = labels.head();
        NDArray known = label.gte(0);
        NDArray predicted = predictions.head().argMax(1).toType(DataType.INT64, false);
        NDArray correct = predicted
                .eq(label.toType(DataType.INT64, false))
                .logicalAnd(known)
                .countNonzero();
        return new Pair<>(known.countNonzero().getLong(), correct);
    }
}
