package dev.visage.identify;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Function;

/**
 * Reads the faces of an uploaded photo as the service must: its header first, then (in the photo's turn, when it is
 * searched) one decode within the decoding memory budget, the faces found by the {@link FaceFinder}, and whatever
 * the caller makes of them while the decoded photo is held. Identification and enrolment both read photos this way.
 */
final class PhotoFaces {

    private final FaceFinder finder;
    private final MemoryBudget decodeBudget;
    private final DetectionTurns detectionTurns;

    PhotoFaces(FaceFinder finder, IdentifyProperties properties, MeterRegistry meters, MemoryBudget decodeBudget) {
        this.finder = finder;
        this.decodeBudget = decodeBudget;
        this.detectionTurns = new DetectionTurns(properties.concurrentDetections(), properties.timeout(), meters);
    }

    /**
     * Decodes the photo, finds its faces and hands them to {@code reader}, holding decoding memory from the budget
     * only until it returns. With detection, only in the photo's turn.
     *
     * @param detect whether to look for faces; false takes the photo's centred frame, for aligned photos
     */
    <T> T read(
            byte[] image, FaceImageDecoder.Header header, boolean detect, Function<FaceFinder.LocatedPhoto, T> reader) {
        return detect
                ? detectionTurns.inTurn(() -> decodeAndLocate(image, header, true, reader))
                : decodeAndLocate(image, header, false, reader);
    }

    private <T> T decodeAndLocate(
            byte[] image, FaceImageDecoder.Header header, boolean detect, Function<FaceFinder.LocatedPhoto, T> reader) {
        long bytes = header.decodeBytes();
        if (bytes > decodeBudget.capacity()) {
            throw ImageRejectedException.tooLarge("Decoding this image takes " + (bytes >> 20)
                    + " MiB, more than the " + (decodeBudget.capacity() >> 20)
                    + " MiB this service decodes at once; send a smaller image");
        }
        try (MemoryBudget.Permit decoding = decodeBudget.acquire(bytes)) {
            return reader.apply(finder.locate(image, header, detect));
        }
    }
}
