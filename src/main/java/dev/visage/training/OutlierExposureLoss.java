package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy on logits with label smoothing: the target puts {@code 1 - smoothing} on the true class
 * and spreads {@code smoothing} evenly over all classes, which keeps a small data set from making the network
 * over-confident.
 */
final class SmoothedCrossEntropyLoss extends Loss {

    private final float smoothing;

    SmoothedCrossEntropyLoss(float smoothing) {
        super("SoftmaxCrossEntropyLoss");
        this.smoothing = smoothing;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logProbabilities = predictions.singletonOrThrow().logSoftmax(-1);
        NDArray label = labels.singletonOrThrow().toType(DataType.INT64, false);
        NDArray trueClass = logProbabilities.gather(label.reshape(-1, 1), 1).reshape(-1);
        NDArray loss = trueClass.mul(-(1 - smoothing));
        if (smoothing > 0) {
            loss = loss.sub(logProbabilities.mean(new int[] {-1}).mul(smoothing));
        }
        return loss.mean();
    }
}
