package dev.visage.network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * 2x2 max pooling with stride 2, for feature maps of even height and width ({@link NetworkConfig#featureSide}
 * refuses input sizes that would make one odd). Training uses LibTorch's pooling, whose backward pass the optimiser needs;
 * inference takes the element-wise maximum of the four strided quarter views instead: the same values, but
 * LibTorch's pooling kernel also tracks the index of every maximum and walks NCHW tensors one output at a time,
 * which made it the largest part of a forward pass. Stored like the {@link LambdaBlock} it replaces, so models
 * saved with {@code Pool.maxPool2dBlock} load unchanged.
 */
final class MaxPool2x2Block extends LambdaBlock {

    private static final Shape WINDOW = new Shape(2, 2);

    MaxPool2x2Block() {
        super(
                inputs -> new NDList(Pool.maxPool2d(inputs.singletonOrThrow(), WINDOW, WINDOW, new Shape(0, 0), false)),
                "maxPool2d");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        if (training) {
            return super.forwardInternal(parameterStore, inputs, true, params);
        }
        NDArray x = inputs.singletonOrThrow();
        NDArray top = x.get(":, :, 0::2, 0::2").maximum(x.get(":, :, 0::2, 1::2"));
        NDArray bottom = x.get(":, :, 1::2, 0::2").maximum(x.get(":, :, 1::2, 1::2"));
        return new NDList(top.maximum(bottom));
    }
}
