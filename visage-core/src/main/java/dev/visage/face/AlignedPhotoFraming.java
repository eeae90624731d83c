package dev.visage.face;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Frames the face of an aligned photo (an LFW image) the way serving frames a detected face: the detector's face
 * nearest the photo's centre, framed by {@link BoxFraming}. Where the detector finds none, the photo's centred
 * frame stands in, and the fallback is counted. Training crops its images through it, so the network learns the
 * detector's framing, errors included. Thread-safe.
 */
public final class AlignedPhotoFraming {

    private final FaceDetector detector;
    private final BoxFraming framing;
    private final AtomicInteger framed = new AtomicInteger();
    private final AtomicInteger fallbacks = new AtomicInteger();

    public AlignedPhotoFraming(FaceDetector detector) {
        this.detector = detector;
        this.framing = BoxFraming.forDetector(detector.settings());
    }

    public FaceFrame frame(Photo photo) {
        double centreX = photo.width() / 2.0;
        double centreY = photo.height() / 2.0;
        List<FaceBox> faces = detector.detect(photo);
        return faces.stream()
                .min(Comparator.comparingDouble(face -> Math.hypot(face.centreX() - centreX, face.centreY() - centreY)))
                .map(face -> {
                    framed.incrementAndGet();
                    return framing.frame(face);
                })
                .orElseGet(() -> {
                    fallbacks.incrementAndGet();
                    return FaceFrame.centred(photo.width(), photo.height());
                });
    }

    /** Photos framed by a detected face so far. */
    public int framed() {
        return framed.get();
    }

    /** Photos where no face was found, framed by their centre instead. */
    public int fallbacks() {
        return fallbacks.get();
    }
}
