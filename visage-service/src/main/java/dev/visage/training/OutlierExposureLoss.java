package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy on logits with label smoothing for the model's people, and a uniform target for outliers
 * (label {@code -1}, outlier exposure): the smoothed target puts {@code 1 - smoothing} on the true class and spreads
 * {@code smoothing} evenly over all classes, which keeps a small data set from making the network over-confident;
 * an outlier's target is spread evenly over all classes, weighted by {@code outlierWeight}, which teaches the
 * network to be unsure about people it does not know. Behind a cosine head, the true class's logit is lowered by a
 * margin first (CosFace).
 */
final class OutlierExposureLoss extends Loss {

    private final float smoothing;
    private final float outlierWeight;
    private final float margin;

    /**
     * @param margin subtracted from the true class's logit of each known face (a cosine head's margin, see
     *     {@code FaceNetwork.trainingMargin}); 0 for none
     */
    OutlierExposureLoss(float smoothing, float outlierWeight, float margin) {
        super("SoftmaxCrossEntropyLoss");
        this.smoothing = smoothing;
        this.outlierWeight = outlierWeight;
        this.margin = margin;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray label = labels.singletonOrThrow();
        NDArray outlier = label.lt(0);
        NDArray classIndex = label.maximum(0).toType(DataType.INT64, false);
        if (margin > 0) {
            DataType type = logits.getDataType();
            NDArray trueClass =
                    classIndex.oneHot((int) logits.getShape().get(1)).toType(type, false);
            logits = logits.sub(trueClass
                    .mul(outlier.logicalNot().toType(type, false).reshape(-1, 1))
                    .mul(margin));
        }
        NDArray logProbabilities = logits.logSoftmax(-1);
        NDArray trueClass =
                logProbabilities.gather(classIndex.reshape(-1, 1), 1).reshape(-1);
        NDArray uniform = logProbabilities.mean(new int[] {-1}).neg();
        NDArray known = trueClass.mul(-(1 - smoothing)).add(uniform.mul(smoothing));
        return NDArrays.where(outlier, uniform.mul(outlierWeight), known).mean();
    }
}
