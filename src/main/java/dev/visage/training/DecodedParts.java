package dev.visage.training;

import ai.djl.ndarray.NDManager;
import dev.visage.dataset.DataSplit;
import dev.visage.dataset.LfwImages;
import dev.visage.face.DetectedFraming;
import dev.visage.face.FaceCrop;
import dev.visage.face.LfwFrame;
import dev.visage.face.Photo;
import dev.visage.training.TrainingProgressListener.TrainingStage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three parts of a split, each decoded once and cropped around its face: the detected one when a detector
 * frames the images (as serving does), LFW's centred frame otherwise or where the detector finds nothing.
 *
 * @param dataSeconds how long listing, decoding and cropping took
 * @param framing how many images were framed by a detected face and how many by the centre
 */
record DecodedParts(
        LfwImages train, LfwImages validation, LfwImages test, double dataSeconds, TrainingMetrics.Framing framing) {

    private static final Logger log = LoggerFactory.getLogger(DecodedParts.class);

    /**
     * @param detectedFraming the detector's framing; null for the centred frame
     * @param dataStart when listing the data began ({@link System#nanoTime()})
     */
    static DecodedParts decode(
            Path root,
            DataSplit split,
            TrainingConfig config,
            DetectedFraming detectedFraming,
            TrainingProgressListener listener,
            NDManager manager,
            long dataStart)
            throws IOException {
        listener.onStage(TrainingStage.LOADING_DATA, "Decoding and framing " + split.size() + " images");
        FaceCrop crop = config.crop();
        Function<Photo, LfwFrame> framing = detectedFraming == null
                ? photo -> LfwFrame.centred(photo.width(), photo.height())
                : detectedFraming::frame;
        LfwImages train = LfwImages.decode(
                root, split.train(), crop, config.augmentation().shift(), framing, manager);
        LfwImages validation = LfwImages.decode(root, split.validation(), crop, 0, framing, manager);
        LfwImages test = LfwImages.decode(root, split.test(), crop, 0, framing, manager);
        double dataSeconds = (System.nanoTime() - dataStart) / 1e9;
        TrainingMetrics.Framing framed = detectedFraming == null
                ? new TrainingMetrics.Framing(0, split.size())
                : new TrainingMetrics.Framing(detectedFraming.framed(), detectedFraming.fallbacks());
        log.info(
                "Decoded {} images in {} s; framed by the detected face: {}, by the centre: {}",
                split.size(),
                String.format("%.1f", dataSeconds),
                framed.detected(),
                framed.centred());
        return new DecodedParts(train, validation, test, dataSeconds, framed);
    }
}
