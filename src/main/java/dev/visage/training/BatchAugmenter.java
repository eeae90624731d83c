package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Transform;
import java.util.Random;

/**
 * Augments a whole training batch at once with a handful of tensor operations: a random shift of the crop
 * (taken from the margin the data set keeps around each face, so no padding is invented), a horizontal flip of
 * a random half and a random brightness factor. The random draws come from a seeded generator, so a run is
 * repeatable.
 */
final class BatchAugmenter implements Transform {

    private final TrainingConfig.Augmentation augmentation;
    private final int margin;
    private final int imageSize;
    private final Random random;

    BatchAugmenter(TrainingConfig.Augmentation augmentation, int margin, int imageSize, long seed) {
        if (augmentation.shift() > margin) {
            throw new IllegalArgumentException(
                    "shift " + augmentation.shift() + " needs a margin of at least as " + "many pixels, not " + margin);
        }
        this.augmentation = augmentation;
        this.margin = margin;
        this.imageSize = imageSize;
        this.random = new Random(seed);
    }

    /** {@code images}: B x 3 x (size + 2 margin)^2 in [0, 1]; returns B x 3 x size x size in [0, 1]. */
    @Override
    public NDArray transform(NDArray images) {
        NDManager manager = images.getManager();
        int batch = (int) images.getShape().get(0);
        NDArray out = shiftedCrop(manager, images, batch);
        if (augmentation.flip()) {
            boolean[] flips = new boolean[batch];
            for (int i = 0; i < batch; i++) {
                flips[i] = random.nextBoolean();
            }
            NDArray mask = manager.create(flips, new Shape(batch, 1, 1, 1)).broadcast(out.getShape());
            out = NDArrays.where(mask, out.flip(3), out);
        }
        if (augmentation.brightness() > 0) {
            float[] factors = new float[batch];
            for (int i = 0; i < batch; i++) {
                factors[i] = 1 + (2 * random.nextFloat() - 1) * augmentation.brightness();
            }
            out = out.mul(manager.create(factors, new Shape(batch, 1, 1, 1))).clip(0f, 1f);
        }
        return out;
    }

    /** Centre crop of the margin-padded images, shifted per image by up to {@code shift} pixels. */
    private NDArray shiftedCrop(NDManager manager, NDArray images, int batch) {
        int side = imageSize + 2 * margin;
        int shift = augmentation.shift();
        if (shift == 0) {
            return images.get(":, :, {}:{}, {}:{}", margin, margin + imageSize, margin, margin + imageSize);
        }
        long[] rows = new long[batch * imageSize];
        long[] columns = new long[batch * imageSize];
        for (int b = 0; b < batch; b++) {
            int top = margin + random.nextInt(2 * shift + 1) - shift;
            int left = margin + random.nextInt(2 * shift + 1) - shift;
            for (int i = 0; i < imageSize; i++) {
                rows[b * imageSize + i] = top + i;
                columns[b * imageSize + i] = left + i;
            }
        }
        NDArray rowIndex =
                manager.create(rows, new Shape(batch, 1, imageSize, 1)).broadcast(new Shape(batch, 3, imageSize, side));
        NDArray columnIndex = manager.create(columns, new Shape(batch, 1, 1, imageSize))
                .broadcast(new Shape(batch, 3, imageSize, imageSize));
        return images.gather(rowIndex, 2).gather(columnIndex, 3);
    }
}
