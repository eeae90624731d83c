package dev.visage.training;

import ai.djl.ndarray.NDManager;
import dev.visage.dataset.DataSplit;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.LfwImages;
import dev.visage.face.AlignedPhotoFraming;
import dev.visage.face.FaceCrop;
import dev.visage.face.FaceFrame;
import dev.visage.face.Photo;
import dev.visage.training.TrainingObserver.TrainingStage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a split, each decoded once and cropped around its face: the detected one when a detector frames
 * the images (as serving does), LFW's centred frame otherwise or where the detector finds nothing (each part
 * knows those images: the evaluation answers them "no face found", as serving does). An enrolled
 * person's crop is the frame serving found already, so it is always cropped from its centre (see
 * {@link LfwImages#decode}).
 *
 * @param train the people's training images, then (with outlier exposure) the outlier-train images, labelled
 *     {@link DataSplit#OUTSIDER}, and the background people's, labelled by their class; kept with the margin that
 *     augmentation needs
 * @param shown the outsiders among {@code train}'s images, at its end: background people and their images, and
 *     the other outliers (none without outlier exposure)
 * @param outlierValidation the outlier-validation images the threshold is calibrated on
 * @param strangers the stranger-test images
 * @param dataSeconds how long listing, decoding and cropping took
 * @param framing how many images were framed by a detected face and how many by the centre
 */
record DecodedParts(
        LfwImages train,
        OpenSetMetrics.Shown shown,
        LfwImages validation,
        LfwImages test,
        LfwImages outlierValidation,
        LfwImages strangers,
        double dataSeconds,
        TrainingMetrics.Framing framing) {

    private static final Logger log = LoggerFactory.getLogger(DecodedParts.class);

    /**
     * @param detectedFraming the detector's framing; null for the centred frame
     * @param dataStart when listing the data began ({@link System#nanoTime()})
     */
    static DecodedParts decode(
            LfwCatalog catalog,
            DataSplit split,
            TrainingConfig config,
            AlignedPhotoFraming detectedFraming,
            TrainingObserver listener,
            NDManager manager,
            long dataStart)
            throws IOException {
        OpenSetMetrics.Shown shown = config.openSet().exposesOutliers()
                ? new OpenSetMetrics.Shown(
                        split.background().size(),
                        split.backgroundImages().size(),
                        split.outlierTrainImages().size())
                : OpenSetMetrics.Shown.NONE;
        List<LabeledImage> train = trainImages(split, shown);
        int total = split.size()
                + shown.images()
                + split.outlierValidationImages().size()
                + split.strangerTestImages().size();
        listener.onStage(TrainingStage.DECODING, "Decoding and framing " + total + " images");
        AtomicInteger done = new AtomicInteger();
        Runnable decoded = () -> listener.onDecoded(done.incrementAndGet(), total);
        FaceCrop crop = config.crop();
        Function<Photo, Optional<FaceFrame>> framing =
                detectedFraming == null ? LfwImages.CENTRED : detectedFraming::find;
        int margin = config.augmentation().margin(crop.imageSize());
        LfwImages trainImages = LfwImages.decode(catalog, train, crop, margin, framing, decoded, manager);
        LfwImages validation = LfwImages.decode(catalog, split.validation(), crop, 0, framing, decoded, manager);
        LfwImages test = LfwImages.decode(catalog, split.test(), crop, 0, framing, decoded, manager);
        LfwImages outlierValidation = LfwImages.decode(
                catalog, outsiders(split.outlierValidationImages()), crop, 0, framing, decoded, manager);
        LfwImages strangers =
                LfwImages.decode(catalog, outsiders(split.strangerTestImages()), crop, 0, framing, decoded, manager);
        double dataSeconds = (System.nanoTime() - dataStart) / 1e9;
        TrainingMetrics.Framing framed = detectedFraming == null
                ? new TrainingMetrics.Framing(0, total)
                : framing(total, trainImages, validation, test, outlierValidation, strangers);
        log.info(
                "Decoded {} images in {} s; framed by the detected face: {}, by the centre: {}",
                total,
                String.format("%.1f", dataSeconds),
                framed.detected(),
                framed.centred());
        return new DecodedParts(
                trainImages, shown, validation, test, outlierValidation, strangers, dataSeconds, framed);
    }

    /** How {@code total} images were framed by the detector: all but those of the parts where it found no face. */
    private static TrainingMetrics.Framing framing(int total, LfwImages... parts) {
        int noFace =
                Stream.of(parts).mapToInt(part -> part.noFace().cardinality()).sum();
        return new TrainingMetrics.Framing(total - noFace, noFace);
    }

    /** The people's training images, then the outliers and the background's that training shows. */
    private static List<LabeledImage> trainImages(DataSplit split, OpenSetMetrics.Shown shown) {
        List<LabeledImage> train = new ArrayList<>(split.train());
        if (shown.images() > 0) {
            train.addAll(outsiders(split.outlierTrainImages()));
            train.addAll(split.backgroundImages());
        }
        return train;
    }

    private static List<LabeledImage> outsiders(List<String> files) {
        return files.stream()
                .map(file -> new LabeledImage(file, DataSplit.OUTSIDER))
                .toList();
    }

    /** How many of {@code train}'s images, at its end, are outliers or background people's. */
    int outliers() {
        return shown.images();
    }

    /** The people's training images (without outliers). */
    int peopleTrainImages() {
        return train.size() - outliers();
    }

    /** Images one epoch trains on: the people's, and the outliers added to each of its batches. */
    int imagesPerEpoch(int batchesPerEpoch, int outliersPerBatch) {
        return peopleTrainImages() + (outliers() > 0 ? batchesPerEpoch * outliersPerBatch : 0);
    }
}
