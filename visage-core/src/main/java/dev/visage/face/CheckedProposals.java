package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.visage.face.FaceDetector.Scan;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * The first scan of a {@link FaceDetector} with a proposal cascade: the cheap cascade proposes boxes on a reduced
 * copy, and the main cascade scans only around each of them (see {@link FaceDetector}). Runs in the caller's
 * {@code PointerScope}.
 */
final class CheckedProposals {

    /**
     * How the proposal cascade scans: on a copy reduced until the smallest face searched is {@code smallestFace} of
     * its windows, at {@code scaleFactor} between window sizes, keeping every box that one window found.
     */
    record Pass(double smallestFace, double scaleFactor) {

        /** The first scan of every photo. */
        static final Pass FIRST = new Pass(1.25, 1.2);

        /**
         * The retry of a photo where the first found nothing: other window sizes, at the given step, on a coarser
         * copy. On the detection report's scenes it found as many faces as the main cascade scanning the whole copy
         * again, at a third of its time on faceless photos (docs/detection-report.md).
         */
        static Pass retry(double scaleFactor) {
            return new Pass(0.8, scaleFactor);
        }
    }

    /** Proposal boxes are checked for faces of 1/1.3 to 1.3 times their side... */
    private static final double PROPOSAL_SIZE_RANGE = 1.3;
    /** ... within this fraction of the largest of those sides around the proposal... */
    private static final double PROPOSAL_MARGIN = 0.2;
    /** ... at this step between window sizes. */
    private static final double CHECK_SCALE_FACTOR = 1.1;
    /** Checked boxes from overlapping proposals above this intersection over union are one face. */
    private static final double SAME_FACE_IOU = 0.4;

    private CheckedProposals() {}

    /** The main cascade's boxes around the proposal cascade's, in the pixels of {@code grey}. */
    static Scan scan(
            CascadeClassifier proposer,
            int window,
            CascadeClassifier classifier,
            Mat grey,
            int minSide,
            int neighbours,
            Pass pass) {
        double reduction = Math.max(1.0, minSide / (pass.smallestFace() * window));
        List<Rect> boxes = new ArrayList<>();
        List<Integer> votes = new ArrayList<>();
        for (Rect proposal :
                proposals(proposer, window, grey, reduction, pass.scaleFactor()).get()) {
            double side = Math.max(proposal.width(), proposal.height()) * reduction;
            int margin = (int) Math.round(side * PROPOSAL_MARGIN * PROPOSAL_SIZE_RANGE);
            int left = Math.max(0, (int) (proposal.x() * reduction) - margin);
            int top = Math.max(0, (int) (proposal.y() * reduction) - margin);
            int right = Math.min(grey.cols(), (int) Math.ceil(proposal.x() * reduction + side) + margin);
            int bottom = Math.min(grey.rows(), (int) Math.ceil(proposal.y() * reduction + side) + margin);
            int smallest = Math.max(minSide, (int) (side / PROPOSAL_SIZE_RANGE));
            int largest = Math.min(Math.min(right - left, bottom - top), (int) Math.ceil(side * PROPOSAL_SIZE_RANGE));
            if (smallest <= largest) {
                Mat around = new Mat(grey, new Rect(left, top, right - left, bottom - top));
                Scan found = FaceDetector.scan(classifier, around, CHECK_SCALE_FACTOR, smallest, largest, neighbours);
                for (int i = 0; i < found.boxes().size(); i++) {
                    Rect box = found.boxes().get(i);
                    Rect inGrey = new Rect(box.x() + left, box.y() + top, box.width(), box.height());
                    keepBest(boxes, votes, inGrey, found.votes().get(i));
                }
            }
        }
        RectVector kept = new RectVector(boxes.size());
        IntPointer keptVotes = new IntPointer(Math.max(1, boxes.size()));
        for (int i = 0; i < boxes.size(); i++) {
            kept.put(i, boxes.get(i));
            keptVotes.put(i, votes.get(i));
        }
        return new Scan(kept, keptVotes);
    }

    /** The proposal cascade's boxes on a copy of {@code grey} reduced by {@code reduction}, in the copy's pixels. */
    private static RectVector proposals(
            CascadeClassifier proposer, int window, Mat grey, double reduction, double scaleFactor) {
        Mat reduced = grey;
        if (reduction > 1) {
            reduced = new Mat();
            Size size = new Size((int) Math.round(grey.cols() / reduction), (int) Math.round(grey.rows() / reduction));
            resize(grey, reduced, size, 0, 0, INTER_AREA);
        }
        RectVector proposals = new RectVector();
        proposer.detectMultiScale(reduced, proposals, scaleFactor, 1, 0, new Size(window, window), new Size());
        return proposals;
    }

    /** Adds a box, or keeps the better-voted of it and a box it overlaps (two proposals of one face). */
    private static void keepBest(List<Rect> boxes, List<Integer> votes, Rect box, int vote) {
        for (int i = 0; i < boxes.size(); i++) {
            if (iou(boxes.get(i), box) > SAME_FACE_IOU) {
                if (vote > votes.get(i)) {
                    boxes.set(i, box);
                    votes.set(i, vote);
                }
                return;
            }
        }
        boxes.add(box);
        votes.add(vote);
    }

    private static double iou(Rect a, Rect b) {
        int width = Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x());
        int height = Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y());
        if (width <= 0 || height <= 0) {
            return 0;
        }
        double intersection = (double) width * height;
        return intersection / ((double) a.width() * a.height() + (double) b.width() * b.height() - intersection);
    }
}
