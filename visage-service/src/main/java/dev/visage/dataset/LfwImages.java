package dev.visage.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Pipeline;
import dev.visage.face.FaceCrop;
import dev.visage.face.FaceFrame;
import dev.visage.face.Photo;
import dev.visage.face.PhotoDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * One part of the LFW split, decoded and cropped once into one tensor of CHW bytes (0-255, a quarter of the memory
 * of floats); epochs then only slice it, through a DJL {@link ArrayDataset} whose pipeline first turns each batch
 * into floats in [0, 1] and then transforms it whole.
 *
 * <p>With a margin, each image keeps {@code margin} extra pixels around the crop so that training can shift the
 * crop with real image content.
 *
 * @param images the images, in tensor order
 * @param pixels N x 3 x side x side bytes ({@code UINT8}), side = image size + 2 margin
 * @param labels class index of each image
 * @param margin extra pixels kept on every side of the crop
 * @param noFace the images (tensor indices) where the framing found no face: cropped from their centred frame,
 *     so that they still have pixels, where serving would answer "no face found"
 */
public record LfwImages(List<LabeledImage> images, NDArray pixels, NDArray labels, int margin, BitSet noFace) {

    /** The framing of photos that are aligned already: their centred frame, never "no face". */
    public static final Function<Photo, Optional<FaceFrame>> CENTRED =
            photo -> Optional.of(FaceFrame.centred(photo.width(), photo.height()));

    public LfwImages {
        noFace = (BitSet) noFace.clone();
    }

    /**
     * Decodes and crops every image (in parallel) into tensors owned by {@code manager}.
     *
     * @param catalog where the images are read from
     * @param framing where each LFW photo's face is framed (see {@link FaceFrame}), empty where it finds none (the
     *     photo is then cropped from its centred frame and counted in {@link #noFace}); an enrolled person's crop
     *     is a face's frame already, framed as serving frames the faces it finds, so it is cropped from its centre
     * @param decoded run after each image, from the decoding threads
     */
    public static LfwImages decode(
            LfwCatalog catalog,
            List<LabeledImage> images,
            FaceCrop crop,
            int margin,
            Function<Photo, Optional<FaceFrame>> framing,
            Runnable decoded,
            NDManager manager)
            throws IOException {
        if (margin < 0) {
            throw new IllegalArgumentException("margin must be >= 0");
        }
        int perImage = crop.pixelCount(margin);
        byte[] values = new byte[images.size() * perImage];
        float[] classes = new float[images.size()];
        boolean[] faceless = new boolean[images.size()];
        try {
            IntStream.range(0, images.size()).parallel().forEach(i -> {
                LabeledImage image = images.get(i);
                Photo photo = read(catalog, image.file());
                Optional<FaceFrame> found =
                        catalog.isEnrolled(image.file()) ? CENTRED.apply(photo) : framing.apply(photo);
                faceless[i] = found.isEmpty();
                FaceFrame frame = found.orElseGet(() -> FaceFrame.centred(photo.width(), photo.height()));
                float[] face = new float[perImage];
                crop.toPixels(photo, frame, margin, face, 0);
                for (int k = 0; k < perImage; k++) {
                    values[i * perImage + k] = (byte) Math.round(Math.min(1f, Math.max(0f, face[k])) * 255);
                }
                classes[i] = image.label();
                decoded.run();
            });
        } catch (UncheckedIOException e) {
            // The message names the file; the cause alone would not.
            throw new IOException(e.getMessage(), e.getCause());
        }
        int side = crop.imageSize() + 2 * margin;
        BitSet noFace = new BitSet(images.size());
        IntStream.range(0, faceless.length).filter(i -> faceless[i]).forEach(noFace::set);
        return new LfwImages(
                List.copyOf(images),
                manager.create(ByteBuffer.wrap(values), new Shape(images.size(), 3, side, side), DataType.UINT8),
                manager.create(classes),
                margin,
                noFace);
    }

    private static Photo read(LfwCatalog catalog, String file) {
        try {
            return PhotoDecoder.decode(catalog.read(file), 1);
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException(
                    "Cannot decode " + catalog.path(file) + ": " + e.getMessage(), new IOException(e));
        }
    }

    public int size() {
        return images.size();
    }

    /** The images where the framing found no face (a copy). */
    @Override
    public BitSet noFace() {
        return (BitSet) noFace.clone();
    }

    /** Stored bytes (0-255) as the floats in [0, 1] that the crop made. */
    public static NDArray unitFloats(NDArray bytes) {
        return bytes.toType(DataType.FLOAT32, false).div(255f);
    }

    /** Image {@code index} as CHW floats in [0, 1]. */
    public float[] face(int index) {
        try (NDArray face = unitFloats(pixels.get(index))) {
            return face.toFloatArray();
        }
    }

    /** Class index of each image, in tensor order. */
    public int[] classes() {
        return images.stream().mapToInt(LabeledImage::label).toArray();
    }

    /**
     * These images as a data set whose batches a sampler picks.
     *
     * @param pipeline applied to each whole batch (N x 3 x side x side floats in [0, 1]), e.g. augmentation and
     *     normalisation
     */
    public ArrayDataset toDataset(Sampler sampler, Pipeline pipeline) {
        return new ArrayDataset.Builder()
                .setData(pixels)
                .optLabels(labels)
                .setSampling(sampler)
                .optPipeline(inUnitFloats(pipeline))
                .build();
    }

    /**
     * These images as a data set of batches.
     *
     * @param pipeline applied to each whole batch (N x 3 x side x side floats in [0, 1]), e.g. augmentation and
     *     normalisation
     */
    public ArrayDataset toDataset(int batchSize, boolean shuffle, Pipeline pipeline) {
        return new ArrayDataset.Builder()
                .setData(pixels)
                .optLabels(labels)
                .setSampling(batchSize, shuffle)
                .optPipeline(inUnitFloats(pipeline))
                .build();
    }

    /** {@code pipeline} preceded by the conversion of the stored bytes. */
    private static Pipeline inUnitFloats(Pipeline pipeline) {
        Pipeline converted = new Pipeline(LfwImages::unitFloats);
        pipeline.getTransforms().forEach(converted::add);
        return converted;
    }
}
