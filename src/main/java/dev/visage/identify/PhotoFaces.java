package dev.visage.identify;

import dev.visage.face.BoxFraming;
import dev.visage.face.FaceDetector;
import dev.visage.face.Photo;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * Reads the faces of an uploaded photo: its header first, then (in the photo's turn, when it is searched) one
 * decode within the decoding memory budget, the faces found, and whatever the caller makes of them while the
 * decoded photo is held. Identification and enrolment both read photos this way.
 */
final class PhotoFaces {

    private final FaceImageDecoder decoder;
    private final FaceLocator locator;
    private final MemoryBudget decodeBudget;
    private final DetectionTurns detectionTurns;

    PhotoFaces(IdentifyProperties properties, FaceDetector detector, MeterRegistry meters, MemoryBudget decodeBudget) {
        this.decoder = new FaceImageDecoder(properties.maxPixels());
        this.locator = new FaceLocator(detector, BoxFraming.forDetector(detector.settings()));
        this.decodeBudget = decodeBudget;
        this.detectionTurns = new DetectionTurns(properties.concurrentDetections(), properties.timeout(), meters);
    }

    /** What a caller makes of the decoded photo and its faces (boxes in the pixels of the photo as sent). */
    @FunctionalInterface
    interface FaceReader<T> {
        T read(Photo photo, List<FaceLocator.LocatedFace> faces);
    }

    /** Reads the header: refuses empty uploads, unknown formats and images over the pixel limit. */
    FaceImageDecoder.Header inspect(byte[] image) {
        return decoder.inspect(image);
    }

    /**
     * Decodes the photo, finds its faces and hands them to {@code reader}, holding decoding memory from the budget
     * only until it returns. With detection, only in the photo's turn.
     *
     * @param detect whether to look for faces; false takes the photo's centred frame, for aligned photos
     */
    <T> T read(byte[] image, FaceImageDecoder.Header header, boolean detect, FaceReader<T> reader) {
        return detect
                ? detectionTurns.inTurn(() -> decodeAndLocate(image, header, true, reader))
                : decodeAndLocate(image, header, false, reader);
    }

    /** The smallest face identified: the smallest the detector searches for. */
    int minFaceSize() {
        return locator.minFaceSize();
    }

    private <T> T decodeAndLocate(byte[] image, FaceImageDecoder.Header header, boolean detect, FaceReader<T> reader) {
        long bytes = header.decodeBytes();
        if (bytes > decodeBudget.capacity()) {
            throw ImageRejectedException.tooLarge("Decoding this image takes " + (bytes >> 20)
                    + " MiB, more than the " + (decodeBudget.capacity() >> 20)
                    + " MiB this service decodes at once; send a smaller image");
        }
        try (MemoryBudget.Permit decoding = decodeBudget.acquire(bytes)) {
            Photo photo = decoder.decode(image, header);
            return reader.read(
                    photo,
                    inSentPixels(detect ? locator.detect(photo) : List.of(locator.centred(photo)), header, photo));
        }
    }

    /** The faces with their boxes in the pixels of the photo as sent (upright), where a big JPEG decoded reduced. */
    private static List<FaceLocator.LocatedFace> inSentPixels(
            List<FaceLocator.LocatedFace> located, FaceImageDecoder.Header header, Photo photo) {
        if (header.reduction() == 1) {
            return located;
        }
        double[] factors = header.sentPixelsPerDecoded(photo);
        return located.stream()
                .map(face -> face.withBoxScaled(factors[0], factors[1]))
                .toList();
    }
}
