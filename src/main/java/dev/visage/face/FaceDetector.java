package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
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
 * <p>The cascade runs on a reduced grey copy (longest side {@link Settings#detectionSide}, area averaging,
 * histogram equalised), so its work is bounded whatever the photo's resolution; boxes are mapped back to the
 * photo's own pixels, so the face can be cropped at full resolution. Boxes come with the cascade's vote count,
 * those with fewer than {@link Settings#minNeighbors} neighbours are dropped, and the rest are sorted largest first.
 *
 * <p>A {@code CascadeClassifier} keeps per-image state while it scans, so one instance must not be used by two
 * threads at once: the detector keeps a pool of them and lends one to each call (the pool grows to the number of
 * concurrent callers). Each is read from the classpath in memory, without temporary files. The detector is
 * thread-safe; {@link #close} frees the native classifiers.
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

    /**
     * How the detector searches.
     *
     * @param cascade classpath resource of the cascade XML (new-style cascades, such as the constants above)
     * @param detectionSide longest side of the reduced copy the cascade scans; smaller photos are not enlarged
     * @param scaleFactor step between the scanned window sizes (above 1; larger is faster and coarser)
     * @param minNeighbors fewest raw windows that must agree on a face (higher drops weak boxes)
     * @param minFaceSize smallest face side reported, in pixels of the original photo
     * @param minDetectionSize smallest window side scanned, in pixels of the reduced copy (never below the cascade's
     *     own window); faces that shrink below it are not searched for, which bounds the work at the small scales
     * @param maxFaces most boxes returned (the largest ones)
     */
    public record Settings(
            String cascade,
            int detectionSide,
            double scaleFactor,
            int minNeighbors,
            int minFaceSize,
            int minDetectionSize,
            int maxFaces) {

        public Settings {
            Objects.requireNonNull(cascade, "cascade");
            if (detectionSide < 32) {
                throw new IllegalArgumentException("detectionSide must be at least 32, not " + detectionSide);
            }
            if (!(scaleFactor >= 1.01 && scaleFactor <= 2.0)) {
                throw new IllegalArgumentException("scaleFactor must lie in [1.01, 2], not " + scaleFactor);
            }
            if (minNeighbors < 1) {
                throw new IllegalArgumentException("minNeighbors must be at least 1, not " + minNeighbors);
            }
            if (minFaceSize < 0 || minDetectionSize < 0) {
                throw new IllegalArgumentException("Minimum face sizes must not be negative");
            }
            if (maxFaces < 1) {
                throw new IllegalArgumentException("maxFaces must be at least 1, not " + maxFaces);
            }
        }

        /** The defaults chosen by {@code DetectionBench} (see docs/detection-report.md). */
        public static Settings defaults() {
            return new Settings(HAAR_FRONTALFACE_ALT2, 640, 1.1, 5, 0, 0, 16);
        }

        public Settings withCascade(String newCascade) {
            return new Settings(
                    newCascade, detectionSide, scaleFactor, minNeighbors, minFaceSize, minDetectionSize, maxFaces);
        }

        public Settings withDetectionSide(int newSide) {
            return new Settings(cascade, newSide, scaleFactor, minNeighbors, minFaceSize, minDetectionSize, maxFaces);
        }

        public Settings withScaleFactor(double newScale) {
            return new Settings(
                    cascade, detectionSide, newScale, minNeighbors, minFaceSize, minDetectionSize, maxFaces);
        }

        public Settings withMinNeighbors(int newMinNeighbors) {
            return new Settings(
                    cascade, detectionSide, scaleFactor, newMinNeighbors, minFaceSize, minDetectionSize, maxFaces);
        }

        public Settings withMinFaceSize(int newMinFaceSize) {
            return new Settings(
                    cascade, detectionSide, scaleFactor, minNeighbors, newMinFaceSize, minDetectionSize, maxFaces);
        }

        public Settings withMinDetectionSize(int newMinDetectionSize) {
            return new Settings(
                    cascade, detectionSide, scaleFactor, minNeighbors, minFaceSize, newMinDetectionSize, maxFaces);
        }

        public Settings withMaxFaces(int newMaxFaces) {
            return new Settings(
                    cascade, detectionSide, scaleFactor, minNeighbors, minFaceSize, minDetectionSize, newMaxFaces);
        }
    }

    private static final Comparator<DetectedFace> LARGEST_FIRST = Comparator.comparingLong(DetectedFace::area)
            .reversed()
            .thenComparing(Comparator.comparingInt(DetectedFace::score).reversed())
            .thenComparingInt(DetectedFace::y)
            .thenComparingInt(DetectedFace::x);

    private final Settings settings;
    private final CascadePool classifiers;

    /** Reads the cascade and checks that OpenCV accepts it. */
    public FaceDetector(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.classifiers = new CascadePool(settings.cascade());
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Finds the faces in a photo.
     *
     * @param image 8-bit BGR, BGRA or grey photo; it is not changed
     * @return the faces found, largest first, at most {@link Settings#maxFaces}, in the photo's pixels
     */
    public List<DetectedFace> detect(Mat image) {
        Objects.requireNonNull(image, "image");
        if (image.empty() || image.depth() != CV_8U || image.dims() != 2) {
            throw new IllegalArgumentException("Expected a non-empty 8-bit 2-D image");
        }
        int channels = image.channels();
        if (channels != 1 && channels != 3 && channels != 4) {
            throw new IllegalArgumentException("Expected 1, 3 or 4 channels, not " + channels);
        }
        CascadeClassifier classifier = classifiers.borrow();
        try (PointerScope scope = new PointerScope()) {
            Mat grey = reducedGrey(image);
            double toOriginalX = (double) image.cols() / grey.cols();
            double toOriginalY = (double) image.rows() / grey.rows();
            int minSide = Math.max(classifiers.windowSide(), Math.max(settings.minDetectionSize(), (int)
                    Math.ceil(settings.minFaceSize() / Math.max(toOriginalX, toOriginalY))));
            if (minSide > Math.min(grey.cols(), grey.rows())) {
                return List.of();
            }
            RectVector boxes = new RectVector();
            IntPointer votes = new IntPointer();
            classifier.detectMultiScale2(
                    grey,
                    boxes,
                    votes,
                    settings.scaleFactor(),
                    settings.minNeighbors(),
                    0,
                    new Size(minSide, minSide),
                    new Size());
            return inPhotoPixels(boxes, votes, image.cols(), image.rows(), toOriginalX, toOriginalY);
        } finally {
            classifiers.giveBack(classifier);
        }
    }

    /** A grey, histogram-equalised copy, reduced (area averaging) to the detection side. */
    private Mat reducedGrey(Mat image) {
        double scale = Math.min(1.0, (double) settings.detectionSide() / Math.max(image.cols(), image.rows()));
        Mat grey = image;
        if (image.channels() != 1) {
            grey = new Mat();
            cvtColor(image, grey, image.channels() == 3 ? COLOR_BGR2GRAY : COLOR_BGRA2GRAY);
        }
        if (scale < 1.0) {
            Mat reduced = new Mat();
            int reducedWidth = Math.max(1, (int) Math.round(image.cols() * scale));
            int reducedHeight = Math.max(1, (int) Math.round(image.rows() * scale));
            resize(grey, reduced, new Size(reducedWidth, reducedHeight), 0, 0, INTER_AREA);
            grey = reduced;
        }
        Mat equalised = new Mat();
        equalizeHist(grey, equalised);
        return equalised;
    }

    /** The boxes mapped back to the photo's pixels, small ones dropped, largest first, at most maxFaces. */
    private List<DetectedFace> inPhotoPixels(
            RectVector boxes, IntPointer votes, int width, int height, double toOriginalX, double toOriginalY) {
        List<DetectedFace> faces = new ArrayList<>((int) boxes.size());
        for (int i = 0; i < boxes.size(); i++) {
            Rect box = boxes.get(i);
            int x = clamp((int) Math.round(box.x() * toOriginalX), 0, width - 1);
            int y = clamp((int) Math.round(box.y() * toOriginalY), 0, height - 1);
            int right = clamp((int) Math.round((box.x() + box.width()) * toOriginalX), x + 1, width);
            int bottom = clamp((int) Math.round((box.y() + box.height()) * toOriginalY), y + 1, height);
            if (Math.max(right - x, bottom - y) >= settings.minFaceSize()) {
                faces.add(new DetectedFace(x, y, right - x, bottom - y, votes.get(i)));
            }
        }
        faces.sort(LARGEST_FIRST);
        return faces.size() > settings.maxFaces()
                ? List.copyOf(faces.subList(0, settings.maxFaces()))
                : List.copyOf(faces);
    }

    /** Frees the native classifiers; calls still running finish and free theirs when they end. */
    @Override
    public void close() {
        classifiers.close();
    }

    /** Classifiers created so far and idle now (for tests of the pool). */
    int idleClassifiers() {
        return classifiers.idle();
    }

    private static int clamp(int value, int low, int high) {
        return Math.max(low, Math.min(high, value));
    }
}
