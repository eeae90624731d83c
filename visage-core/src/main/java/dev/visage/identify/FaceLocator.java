package dev.visage.identify;

import dev.visage.face.BoxFraming;
import dev.visage.face.FaceDetector;
import dev.visage.face.FaceFrame;
import dev.visage.face.Photo;
import java.util.List;

/**
 * Finds the faces of a photo and the {@link FaceFrame} of each: with the detector, or, for callers that send an
 * aligned crop, the photo's centred frame.
 */
final class FaceLocator {

    private final FaceDetector detector;
    private final BoxFraming framing;

    FaceLocator(FaceDetector detector, BoxFraming framing) {
        this.detector = detector;
        this.framing = framing;
    }

    /**
     * A face and the frame to crop it from.
     *
     * @param box where the face is in the photo: in the decoded photo's pixels, then in those of the photo as sent
     * @param detectionScore the detector's vote count; null for the centred frame
     * @param frame the square of the photo that stands for an LFW image of the face
     */
    record LocatedFace(Identification.Box box, Integer detectionScore, FaceFrame frame) {

        boolean tooSmall(int minSide) {
            return Math.max(box.width(), box.height()) < minSide;
        }

        /** The same face with its box scaled by these factors (the frame stays in the decoded photo's pixels). */
        LocatedFace withBoxScaled(double acrossFactor, double downFactor) {
            int x = (int) Math.round(box.x() * acrossFactor);
            int y = (int) Math.round(box.y() * downFactor);
            Identification.Box scaled = new Identification.Box(
                    x,
                    y,
                    (int) Math.round((box.x() + box.width()) * acrossFactor) - x,
                    (int) Math.round((box.y() + box.height()) * downFactor) - y);
            return new LocatedFace(scaled, detectionScore, frame);
        }
    }

    /** Every face the detector finds, largest first. */
    List<LocatedFace> detect(Photo photo) {
        return detector.detect(photo).stream()
                .map(face -> new LocatedFace(
                        new Identification.Box(face.x(), face.y(), face.width(), face.height()),
                        face.score(),
                        framing.frame(face)))
                .toList();
    }

    /** The one face of an aligned photo: its centred frame, with the box where LFW's faces sit in it. */
    LocatedFace centred(Photo photo) {
        FaceFrame frame = FaceFrame.centred(photo.width(), photo.height());
        double scale = frame.side() / BoxFraming.LFW_SIDE;
        int side = (int) Math.round(framing.boxSide() * scale);
        Identification.Box box = new Identification.Box(
                (int) Math.round(frame.x() + framing.boxX() * scale),
                (int) Math.round(frame.y() + framing.boxY() * scale),
                side,
                side);
        return new LocatedFace(box, null, frame);
    }

    /** The smallest face identified: the smallest the detector searches for. */
    int minFaceSize() {
        return detector.settings().minFaceSize();
    }
}
