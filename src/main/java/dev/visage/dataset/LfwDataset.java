package dev.visage.dataset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import dev.visage.face.FaceCrop;

/**
 * One part of the LFW split as a DJL {@link RandomAccessDataset}: every image is decoded and cropped once, in
 * {@link #prepare}, into one in-memory tensor of CHW floats in [0, 1]; epochs then only slice it.
 *
 * <p>With a margin, each image keeps {@code margin} extra pixels around the crop so that training can shift the
 * crop with real image content (see {@code BatchAugmenter}).
 */
public final class LfwDataset extends RandomAccessDataset implements AutoCloseable {

    private final Path root;
    private final List<LabeledImage> images;
    private final FaceCrop crop;
    private final int margin;
    private final NDManager manager;
    private NDArray pixels;
    private NDArray labels;

    private LfwDataset(Builder builder) {
        super(builder);
        this.root = builder.root;
        this.images = List.copyOf(builder.images);
        this.crop = builder.crop;
        this.margin = builder.margin;
        this.manager = builder.manager.newSubManager();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void prepare(Progress progress) throws IOException {
        if (pixels != null) {
            return;
        }
        int perImage = crop.pixelCount(margin);
        float[] values = new float[images.size() * perImage];
        float[] classes = new float[images.size()];
        if (progress != null) {
            progress.reset("Decoding " + images.size() + " images", images.size());
        }
        AtomicInteger done = new AtomicInteger();
        try {
            IntStream.range(0, images.size()).parallel().forEach(i -> {
                LabeledImage image = images.get(i);
                crop.toPixels(decode(root.resolve(image.file())), margin, values, i * perImage);
                classes[i] = image.label();
                if (progress != null) {
                    synchronized (progress) {
                        progress.update(done.incrementAndGet());
                    }
                }
            });
        } catch (UncheckedIOException e) {
            // The message names the file; the cause alone would not.
            throw new IOException(e.getMessage(), e.getCause());
        }
        if (progress != null) {
            progress.end();
        }
        int side = crop.imageSize() + 2 * margin;
        pixels = manager.create(values, new Shape(images.size(), 3, side, side));
        labels = manager.create(classes);
    }

    private static BufferedImage decode(Path file) {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new IOException("Not a readable image: " + file);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot decode " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Record get(NDManager batchManager, long index) {
        NDArray image = pixels.get(index);
        NDArray label = labels.get(index);
        image.attach(batchManager);
        label.attach(batchManager);
        return new Record(new NDList(image), new NDList(label));
    }

    @Override
    protected long availableSize() {
        return images.size();
    }

    /** All decoded images, N x 3 x side x side in [0, 1]; valid after {@link #prepare}. */
    public NDArray pixels() {
        requirePrepared();
        return pixels;
    }

    /** Class index of each image, in order; valid after {@link #prepare}. */
    public NDArray labels() {
        requirePrepared();
        return labels;
    }

    public List<LabeledImage> images() {
        return images;
    }

    public int margin() {
        return margin;
    }

    private void requirePrepared() {
        if (pixels == null) {
            throw new IllegalStateException("Call prepare() first");
        }
    }

    /** Frees the decoded images. */
    @Override
    public void close() {
        manager.close();
    }

    /** Builds one part of the split; images, root folder, crop and the manager that owns the tensors are set. */
    public static final class Builder extends BaseBuilder<Builder> {

        private Path root;
        private List<LabeledImage> images;
        private FaceCrop crop;
        private int margin;
        private NDManager manager;

        @Override
        protected Builder self() {
            return this;
        }

        /** The LFW folder that image paths are relative to. */
        public Builder setRoot(Path root) {
            this.root = root;
            return this;
        }

        public Builder setImages(List<LabeledImage> images) {
            this.images = images;
            return this;
        }

        public Builder setCrop(FaceCrop crop) {
            this.crop = crop;
            return this;
        }

        /** Extra pixels kept around the crop for shift augmentation; 0 (the default) for evaluation. */
        public Builder optMargin(int margin) {
            if (margin < 0) {
                throw new IllegalArgumentException("margin must be >= 0");
            }
            this.margin = margin;
            return this;
        }

        /** Parent of the manager holding the decoded tensors (they are freed by {@link LfwDataset#close}). */
        public Builder setManager(NDManager manager) {
            this.manager = manager;
            return this;
        }

        public LfwDataset build() {
            if (root == null || images == null || crop == null || manager == null) {
                throw new IllegalStateException("root, images, crop and manager must be set");
            }
            return new LfwDataset(this);
        }
    }
}
