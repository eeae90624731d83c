package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.translate.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Augments a whole training batch at once with a handful of tensor operations, for what users send: a random
 * shift, rotation and zoom of the crop (sampled bilinearly from the margin the data set keeps around each face,
 * so no padding is invented), a horizontal flip of a random half, random brightness, contrast and saturation,
 * some images grey and some blurred. The random draws come from a seeded generator, so a run is repeatable.
 */
final class BatchAugmenter implements Transform {

    private static final float[] LUMA = {0.299f, 0.587f, 0.114f};

    private final TrainingConfig.Augmentation augmentation;
    private final int margin;
    private final int imageSize;
    private final Random random;

    BatchAugmenter(TrainingConfig.Augmentation augmentation, int margin, int imageSize, long seed) {
        int needed = augmentation.margin(imageSize);
        if (needed > margin) {
            throw new IllegalArgumentException(
                    "shift, rotation and zoom need a margin of at least " + needed + " pixels, not " + margin);
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
        NDArray out = geometry(manager, images, batch);
        if (augmentation.flip()) {
            out = onSome(manager, out, 0.5f, chosen -> chosen.flip(3));
        }
        if (augmentation.contrast() > 0 || augmentation.saturation() > 0 || augmentation.grayscale() > 0) {
            out = colour(manager, out, batch);
        } else if (augmentation.brightness() > 0) {
            out = out.mul(manager.create(factors(batch, augmentation.brightness()), new Shape(batch, 1, 1, 1)));
        }
        if (augmentation.blur() > 0) {
            Shape three = new Shape(3, 3);
            Shape one = new Shape(1, 1);
            out = onSome(
                    manager, out, augmentation.blur(), chosen -> Pool.avgPool2d(chosen, three, one, one, false, false));
        }
        return out.clip(0f, 1f);
    }

    /** Per image, a factor in [1 - range, 1 + range]. */
    private float[] factors(int batch, float range) {
        float[] factors = new float[batch];
        for (int i = 0; i < batch; i++) {
            factors[i] = 1 + (2 * random.nextFloat() - 1) * range;
        }
        return factors;
    }

    /** Applies {@code change} to a random {@code share} of the images (only those are computed), keeping the rest. */
    private NDArray onSome(NDManager manager, NDArray images, float share, UnaryOperator<NDArray> change) {
        List<Long> chosen = new ArrayList<>();
        for (long i = 0; i < images.getShape().get(0); i++) {
            if (random.nextFloat() < share) {
                chosen.add(i);
            }
        }
        if (chosen.isEmpty()) {
            return images;
        }
        NDIndex index = new NDIndex(
                "{}", manager.create(chosen.stream().mapToLong(Long::longValue).toArray()));
        NDArray out = images.duplicate();
        out.set(index, change.apply(images.get(index)));
        return out;
    }

    /**
     * Brightness b, contrast c about the image's grey mean m and saturation s about its grey g (0 for the
     * {@code grayscale} share) in one linear map per image: s c b x + (1 - s) c b g + (1 - c) b m, since the luma
     * weights sum to 1.
     */
    private NDArray colour(NDManager manager, NDArray images, int batch) {
        float[] brightness = factors(batch, augmentation.brightness());
        float[] contrast = factors(batch, augmentation.contrast());
        float[] saturation = factors(batch, augmentation.saturation());
        float[] ofImage = new float[batch];
        float[] ofGrey = new float[batch];
        float[] ofMean = new float[batch];
        for (int i = 0; i < batch; i++) {
            float s = random.nextFloat() < augmentation.grayscale() ? 0 : saturation[i];
            ofImage[i] = s * contrast[i] * brightness[i];
            ofGrey[i] = (1 - s) * contrast[i] * brightness[i];
            ofMean[i] = (1 - contrast[i]) * brightness[i];
        }
        Shape perImage = new Shape(batch, 1, 1, 1);
        NDArray grey = images.mul(manager.create(LUMA, new Shape(1, 3, 1, 1))).sum(new int[] {1}, true);
        NDArray mean = grey.reshape(batch, -1).mean(new int[] {1}).reshape(perImage);
        return images.mul(manager.create(ofImage, perImage))
                .add(grey.mul(manager.create(ofGrey, perImage)).add(mean.mul(manager.create(ofMean, perImage))));
    }

    /**
     * The crop of each margin-padded image, shifted, rotated and zoomed at random about its centre and sampled
     * bilinearly (coordinates past the edge take the edge pixel); without any of them, the exact centre crop.
     */
    private NDArray geometry(NDManager manager, NDArray images, int batch) {
        if (augmentation.shift() == 0 && augmentation.rotation() == 0 && augmentation.scale() == 0) {
            return images.get(":, :, {}:{}, {}:{}", margin, margin + imageSize, margin, margin + imageSize);
        }
        float[] maps = new float[batch * 6];
        for (int b = 0; b < batch; b++) {
            randomMap(maps, 6 * b);
        }
        return SamplingGrid.sample(images, manager.create(maps, new Shape(batch, 3, 2)), imageSize);
    }

    /**
     * A random affine map about the crop's centre, as the rows (u, v, 1) -> (x, y) of a 3 x 2 matrix: rotated by
     * up to {@code rotation} degrees, zoomed by up to {@code scale} and shifted by up to {@code shift} pixels.
     */
    private void randomMap(float[] maps, int at) {
        int shift = augmentation.shift();
        double angle = Math.toRadians((2 * random.nextDouble() - 1) * augmentation.rotation());
        double zoom = 1 + (2 * random.nextDouble() - 1) * augmentation.scale();
        double centre = margin + (imageSize - 1) / 2.0;
        int dx = shift == 0 ? 0 : random.nextInt(2 * shift + 1) - shift;
        int dy = shift == 0 ? 0 : random.nextInt(2 * shift + 1) - shift;
        float cos = (float) (zoom * Math.cos(angle));
        float sin = (float) (zoom * Math.sin(angle));
        // x = cos u - sin v + centre + dx; y = sin u + cos v + centre + dy.
        maps[at] = cos;
        maps[at + 1] = sin;
        maps[at + 2] = -sin;
        maps[at + 3] = cos;
        maps[at + 4] = (float) (centre + dx);
        maps[at + 5] = (float) (centre + dy);
    }
}
