package dev.visage.face;

import java.util.Comparator;
import java.util.Optional;

/**
 * Frames the face of an aligned photo (an LFW image) the way serving frames a detected face: the detector's face
 * nearest the photo's centre, framed by {@link BoxFraming}. Training crops its images through it, so the network
 * learns the detector's framing, errors included. Thread-safe.
 */
public final class AlignedPhotoFraming {

    private final FaceDetector detector;
    private final BoxFraming framing;

    public AlignedPhotoFraming(FaceDetector detector) {
        this.detector = detector;
        this.framing = BoxFraming.forDetector(detector.settings());
    }

    /** The frame of the photo's face; empty where the detector finds none, as serving would answer it. */
    public Optional<FaceFrame> find(Photo photo) {
        double centreX = photo.width() / 2.0;
        double centreY = photo.height() / 2.0;
        return detector.detect(photo).stream()
                .min(Comparator.comparingDouble(face -> Math.hypot(face.centreX() - centreX, face.centreY() - centreY)))
                .map(framing::frame);
    }
}
