package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * Finds frontal faces in a photo with one of the boosted cascades OpenCV ships (Haar or LBP features).
 *
 * <p>The cascade runs on a reduced grey copy (longest side {@link DetectorSettings#scannedSide}: just large enough
 * for the smallest face searched, within bounds; area averaging), so its work is bounded whatever the photo's
 * resolution; boxes are mapped back to the photo's own pixels, so the face can be cropped at full resolution. Boxes
 * come with the cascade's vote count, those with fewer than {@link DetectorSettings#minNeighbors} neighbours are
 * dropped, and the rest are sorted largest first. When a scan finds nothing, a second one at the
 * {@link DetectorSettings#retryScaleFactor} step looks at the window sizes the first stepped over, on a
 * histogram-equalised copy: equalising the whole photo lifts faces in dim or flat photos, but distorts them where
 * large smooth areas (sky, a wall) take most of the histogram, so the first scan sees the grey levels as they are.
 *
 * <p>With a {@link DetectorSettings#proposalCascade}, the first scan is in two stages: the proposal cascade (LBP
 * features, several times cheaper per window) scans a copy reduced until the smallest face searched is little more
 * than its window, keeping every box that one window found; then the main cascade scans only around each proposal,
 * at finer steps and sizes close to the proposal's. Most of the photo is thus scanned by the cheap cascade at the
 * coarsest useful resolution, while the boxes and their votes come from the main cascade.
 *
 * <p>Thread-safe: each call borrows its own classifier from a {@link CascadePool}; {@link #close} frees them.
 */
public final class FaceDetector implements AutoCloseable {

    /** Where the {@code org.bytedeco:opencv:linux-x86_64} jar keeps OpenCV's cascades. */
    public static final String CASCADE_ROOT = "org/bytedeco/opencv/linux-x86_64/share/opencv4/";

    public static final String HAAR_FRONTALFACE_ALT2 = CASCADE_ROOT + "haarcascades/haarcascade_frontalface_alt2.xml";
    public static final String HAAR_FRONTALFACE_DEFAULT =
            CASCADE_ROOT + "haarcascades/haarcascade_frontalface_default.xml";
    public static final String LBP_FRONTALFACE = CASCADE_ROOT + "lbpcascades/lbpcascade_frontalface.xml";
    public static final String LBP_FRONTALFACE_IMPROVED =
            CASCADE_ROOT + "lbpcascades/lbpcascade_frontalface_improved.xml";

    private static final Comparator<FaceBox> LARGEST_FIRST = Comparator.comparingLong(FaceBox::area)
            .reversed()
            .thenComparing(Comparator.comparingInt(FaceBox::score).reversed())
            .thenComparingInt(FaceBox::y)
            .thenComparingInt(FaceBox::x);

    private final DetectorSettings settings;
    private final CascadePool classifiers;
    private final CascadePool proposers;

    /** Reads the cascade and checks that OpenCV accepts it. */
    public FaceDetector(DetectorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.classifiers = new CascadePool(settings.cascade());
        this.proposers = settings.proposalCascade() == null ? null : new CascadePool(settings.proposalCascade());
    }

    public DetectorSettings settings() {
        return settings;
    }

    /** As {@link #detect(Mat)}, for a decoded {@link Photo}. */
    public List<FaceBox> detect(Photo photo) {
        try (BytePointer pixels = new BytePointer(photo.bgr());
                Mat image = new Mat(photo.height(), photo.width(), CV_8UC3, pixels)) {
            return detect(image);
        }
    }

    /**
     * Finds the faces in a photo.
     *
     * @param image 8-bit BGR, BGRA or grey photo; it is not changed
     * @return the faces found, largest first, at most {@link DetectorSettings#maxBoxes}, in the photo's pixels
     */
    public List<FaceBox> detect(Mat image) {
        Objects.requireNonNull(image, "image");
        if (image.empty() || image.depth() != CV_8U || image.dims() != 2) {
            throw new IllegalArgumentException("Expected a non-empty 8-bit 2-D image");
        }
        int channels = image.channels();
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("Expected 1, 3 or 4 channels, not " + channels);
        }
        // Borrowed outside the scope: a classifier the pool creates must outlive this call's native memory.
        CascadeClassifier classifier = classifiers.borrow();
        CascadeClassifier proposer = proposers == null ? null : proposers.borrow();
        try (PointerScope scope = new PointerScope()) {
            Mat grey = OpenCvImages.reducedGrey(image, settings.scannedSide(Math.max(image.cols(), image.rows())));
            double toOriginalX = (double) image.cols() / grey.cols();
            double toOriginalY = (double) image.rows() / grey.rows();
            int minSide = Math.max(classifiers.windowSide(), Math.max(settings.minWindow(), (int)
                    Math.ceil(settings.minFaceSize() / Math.max(toOriginalX, toOriginalY))));
            if (minSide > Math.min(grey.cols(), grey.rows())) {
                return List.of();
            }
            Scan scan = proposers == null
                    ? scan(classifier, grey, settings.scaleFactor(), minSide, 0, settings.minNeighbors())
                    : checkedProposals(proposer, classifier, grey, minSide, CheckedProposals.Pass.FIRST);
            if (scan.boxes().empty() && settings.retryScaleFactor() > 0) {
                scan = retry(proposer, classifier, OpenCvImages.equalised(grey), minSide);
            }
            return inPhotoPixels(scan, image.cols(), image.rows(), toOriginalX, toOriginalY);
        } finally {
            classifiers.giveBack(classifier);
            if (proposer != null) {
                proposers.giveBack(proposer);
            }
        }
    }

    /** The second scan of a photo where the first found nothing, on its equalised grey copy. */
    private Scan retry(CascadeClassifier proposer, CascadeClassifier classifier, Mat grey, int minSide) {
        return proposers == null
                ? scan(classifier, grey, settings.retryScaleFactor(), minSide, 0, settings.minNeighbors())
                : checkedProposals(
                        proposer, classifier, grey, minSide, CheckedProposals.Pass.retry(settings.retryScaleFactor()));
    }

    private Scan checkedProposals(
            CascadeClassifier proposer,
            CascadeClassifier classifier,
            Mat grey,
            int minSide,
            CheckedProposals.Pass pass) {
        return CheckedProposals.scan(
                proposer, proposers.windowSide(), classifier, grey, minSide, settings.minNeighbors(), pass);
    }

    /** The cascade's boxes and each one's number of agreeing windows. */
    record Scan(RectVector boxes, IntPointer votes) {}

    static Scan scan(
            CascadeClassifier classifier, Mat grey, double scaleFactor, int minSide, int maxSide, int neighbours) {
        RectVector boxes = new RectVector();
        IntPointer votes = new IntPointer();
        classifier.detectMultiScale2(
                grey, boxes, votes, scaleFactor, neighbours, 0, new Size(minSide, minSide), new Size(maxSide, maxSide));
        return new Scan(boxes, votes);
    }

    /** The boxes mapped back to the photo's pixels, small ones dropped, largest first, at most maxBoxes. */
    private List<FaceBox> inPhotoPixels(Scan scan, int width, int height, double toOriginalX, double toOriginalY) {
        RectVector boxes = scan.boxes();
        List<FaceBox> faces = new ArrayList<>((int) boxes.size());
        for (int i = 0; i < boxes.size(); i++) {
            Rect box = boxes.get(i);
            int x = clamp((int) Math.round(box.x() * toOriginalX), 0, width - 1);
            int y = clamp((int) Math.round(box.y() * toOriginalY), 0, height - 1);
            int right = clamp((int) Math.round((box.x() + box.width()) * toOriginalX), x + 1, width);
            int bottom = clamp((int) Math.round((box.y() + box.height()) * toOriginalY), y + 1, height);
            if (Math.max(right - x, bottom - y) >= settings.minFaceSize()) {
                faces.add(new FaceBox(x, y, right - x, bottom - y, scan.votes().get(i)));
            }
        }
        faces.sort(LARGEST_FIRST);
        return faces.size() > settings.maxBoxes()
                ? List.copyOf(faces.subList(0, settings.maxBoxes()))
                : List.copyOf(faces);
    }

    /** Frees the native classifiers; calls still running finish and free theirs when they end. */
    @Override
    public void close() {
        classifiers.close();
        if (proposers != null) {
            proposers.close();
        }
    }

    /** Classifiers created so far and idle now (for tests of the pool). */
    int idleClassifiers() {
        return classifiers.idle();
    }

    private static int clamp(int value, int low, int high) {
        return Math.max(low, Math.min(high, value));
    }
}
