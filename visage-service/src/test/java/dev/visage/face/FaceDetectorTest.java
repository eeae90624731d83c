package dev.visage.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2BGRA;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default detector on seeded scenes made of real LFW photos pasted onto face-free backgrounds (see
 * {@link FaceScenes}); skipped when LFW is absent. A face counts as found when a box overlaps its true box with an
 * IoU of at least 0.5.
 */
class FaceDetectorTest {

    private static FaceDetector detector;
    private static BoxFraming framing;

    @BeforeAll
    static void createDetector() {
        detector = new FaceDetector(TestDetectorSettings.defaults());
        framing = BoxFraming.forDetector(detector.settings());
    }

    @AfterAll
    static void closeDetector() {
        detector.close();
    }

    private static FaceScenes scenes(long seed) {
        Assumptions.assumeTrue(
                RealLfwPhotos.available(),
                () -> "No LFW folder at " + RealLfwPhotos.dir().toAbsolutePath());
        return new FaceScenes(RealLfwPhotos.sample(false, 300, seed), framing);
    }

    @Test
    void findsSingleFacesPastedAtRandomSizesAndPlaces() {
        FaceScenes scenes = scenes(11);
        Random random = new Random(11);
        int faces = 0;
        int found = 0;
        for (int i = 0; i < 20; i++) {
            int width = i % 2 == 0 ? 640 : 1280;
            try (FaceScenes.Scene scene = scenes.compose(random, width, width * 3 / 4, 1, 60, 320)) {
                List<FaceBox> detections = detector.detect(scene.photo());
                FaceScenes.Match match = FaceScenes.match(scene.truth(framing), detections, 0.5);
                faces += match.faces();
                found += match.found();
                assertThat(detections).allSatisfy(face -> assertInside(face, scene.photo()));
            }
        }
        System.out.printf("single faces: %d of %d found%n", found, faces);
        assertThat(found).as("faces found of %d", faces).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * faces));
    }

    @Test
    void findsTheFacesOfGroupPhotos() {
        FaceScenes scenes = scenes(12);
        Random random = new Random(12);
        int faces = 0;
        int found = 0;
        for (int i = 0; i < 10; i++) {
            int width = i % 2 == 0 ? 640 : 1280;
            try (FaceScenes.Scene scene = scenes.compose(random, width, width * 3 / 4, 2 + i % 2, 60, 320)) {
                List<FaceBox> detections = detector.detect(scene.photo());
                FaceScenes.Match match = FaceScenes.match(scene.truth(framing), detections, 0.5);
                faces += match.faces();
                found += match.found();
                assertThat(detections).isSortedAccordingTo((a, b) -> Long.compare(b.area(), a.area()));
            }
        }
        assertThat(faces).isEqualTo(25);
        System.out.printf("group photos: %d of %d found%n", found, faces);
        assertThat(found).as("faces found of %d", faces).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * faces));
    }

    @Test
    void findsFacesTouchingTheEdgesWithBoxesInsideThePhoto() {
        FaceScenes scenes = scenes(13);
        Random random = new Random(13);
        int found = 0;
        for (int i = 0; i < 8; i++) {
            try (FaceScenes.Scene scene = scenes.atEdge(random, 640, 480, i % 4, 100 + 20 * i)) {
                List<FaceBox> detections = detector.detect(scene.photo());
                found += FaceScenes.match(scene.truth(framing), detections, 0.5).found();
                assertThat(detections).allSatisfy(face -> assertInside(face, scene.photo()));
            }
        }
        System.out.printf("faces at the edges: %d of 8 found%n", found);
        assertThat(found).isGreaterThanOrEqualTo(7);
    }

    @Test
    void findsNothingOnBlankAndNoisePhotos() {
        Random random = new Random(14);
        try (Mat blank = new Mat(480, 640, CV_8UC3, new Scalar(128, 128, 128, 0))) {
            assertThat(detector.detect(blank)).isEmpty();
        }
        byte[] noise = new byte[960 * 1280 * 3];
        random.nextBytes(noise);
        try (Mat pixels = new Mat(960, 1280, CV_8UC3)) {
            pixels.data().put(noise);
            assertThat(detector.detect(pixels)).isEmpty();
        }
        if (RealLfwPhotos.available()) {
            FaceScenes scenes = scenes(14);
            for (int i = 0; i < 6; i++) {
                int width = i % 2 == 0 ? 640 : 1600;
                try (Mat background = scenes.background(random, width, width * 3 / 4)) {
                    assertThat(detector.detect(background)).isEmpty();
                }
            }
        }
    }

    /**
     * The reduced copy changes nothing but the scale: a photo enlarged 4x and reduced back by the detector gives 4x
     * the boxes of the photo itself (a fine scale step here, so that both runs find the same faces).
     */
    @Test
    void mapsBoxesFromTheReducedCopyBackToThePhotosPixels() {
        Assumptions.assumeTrue(
                RealLfwPhotos.available(),
                () -> "No LFW folder at " + RealLfwPhotos.dir().toAbsolutePath());
        // One full scan: checking proposals adds its own jitter of a few pixels to the boxes of resampled photos.
        DetectorSettings settings = TestDetectorSettings.changing()
                .proposalCascade(null)
                .detectionSide(250)
                .maxDetectionSide(250)
                .scaleFactor(1.1)
                .build();
        try (FaceDetector small = new FaceDetector(settings)) {
            int compared = 0;
            for (Path file : RealLfwPhotos.sample(false, 6, 15)) {
                try (Mat photo = RealLfwPhotos.read(file);
                        Mat large = new Mat()) {
                    resize(photo, large, new Size(1000, 1000), 0, 0, INTER_LINEAR);
                    List<FaceBox> direct = small.detect(photo);
                    List<FaceBox> reduced = small.detect(large);
                    for (FaceBox a : direct) {
                        FaceBox b = reduced.stream()
                                .min(Comparator.comparingDouble(
                                        f -> Math.hypot(f.centreX() - 4 * a.centreX(), f.centreY() - 4 * a.centreY())))
                                .orElseThrow();
                        assertThat(Math.abs(b.x() - 4 * a.x())).isLessThanOrEqualTo(12);
                        assertThat(Math.abs(b.y() - 4 * a.y())).isLessThanOrEqualTo(12);
                        assertThat(Math.abs(b.width() - 4 * a.width())).isLessThanOrEqualTo(16);
                        compared++;
                    }
                }
            }
            assertThat(compared).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void greyAndBgraPhotosGiveTheSameFacesAsBgr() {
        Assumptions.assumeTrue(
                RealLfwPhotos.available(),
                () -> "No LFW folder at " + RealLfwPhotos.dir().toAbsolutePath());
        for (Path file : RealLfwPhotos.sample(false, 3, 16)) {
            try (Mat bgr = RealLfwPhotos.read(file);
                    Mat grey = new Mat();
                    Mat bgra = new Mat()) {
                cvtColor(bgr, grey, COLOR_BGR2GRAY);
                cvtColor(bgr, bgra, COLOR_BGR2BGRA);
                List<FaceBox> expected = detector.detect(bgr);
                assertThat(detector.detect(grey)).isEqualTo(expected);
                assertThat(detector.detect(bgra)).isEqualTo(expected);
            }
        }
    }

    /**
     * A photo's scan may use a thread per core (OpenCV's pool, which splits a lone photo's windows between the cores;
     * concurrent scans run on their own threads and give the same faces, below).
     */
    @Test
    void scansUseOpenCvsPoolOfAThreadPerCore() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(Math.min(2, opencv_core.getNumThreads())).isEqualTo(Math.min(2, cores));
    }

    /** Concurrent callers each borrow their own classifier and get exactly the single-threaded answers. */
    @Test
    void concurrentCallersGetTheSameFacesAsOneCaller() throws Exception {
        FaceScenes scenes = scenes(17);
        Random random = new Random(17);
        List<Mat> photos = new ArrayList<>();
        List<List<FaceBox>> expected = new ArrayList<>();
        try (FaceDetector shared = new FaceDetector(TestDetectorSettings.defaults())) {
            for (int i = 0; i < 6; i++) {
                FaceScenes.Scene scene = scenes.compose(random, 640, 480, 1 + i % 3, 80, 200);
                photos.add(scene.photo());
                expected.add(shared.detect(scene.photo()));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int offset = t;
                    results.add(pool.submit(() -> {
                        boolean same = true;
                        for (int round = 0; round < 2; round++) {
                            for (int i = 0; i < photos.size(); i++) {
                                int at = (i + offset) % photos.size();
                                same &= shared.detect(photos.get(at)).equals(expected.get(at));
                            }
                        }
                        return same;
                    }));
                }
                for (Future<Boolean> result : results) {
                    assertThat(result.get()).isTrue();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(shared.idleClassifiers()).isBetween(1, 4);
        } finally {
            photos.forEach(Mat::close);
        }
    }

    @Test
    void returnsAtMostMaxFacesLargestFirst() {
        FaceScenes scenes = scenes(18);
        try (FaceDetector one = new FaceDetector(
                        TestDetectorSettings.changing().maxBoxes(1).build());
                FaceScenes.Scene scene = scenes.compose(new Random(18), 1280, 960, 3, 100, 250)) {
            List<FaceBox> all = detector.detect(scene.photo());
            List<FaceBox> first = one.detect(scene.photo());
            assertThat(all).hasSizeGreaterThanOrEqualTo(2);
            assertThat(first).containsExactly(all.get(0));
        }
    }

    @Test
    void loadsEveryShippedFrontalCascadeFromTheClasspath() {
        for (String cascade : List.of(
                FaceDetector.HAAR_FRONTALFACE_ALT2,
                FaceDetector.HAAR_FRONTALFACE_DEFAULT,
                FaceDetector.LBP_FRONTALFACE,
                FaceDetector.LBP_FRONTALFACE_IMPROVED)) {
            try (FaceDetector loaded = new FaceDetector(
                    TestDetectorSettings.changing().cascade(cascade).build())) {
                assertThat(loaded.idleClassifiers()).isEqualTo(1);
            }
        }
        assertThatThrownBy(() -> new FaceDetector(
                        TestDetectorSettings.changing().cascade("no/such.xml").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no/such.xml");
    }

    @Test
    void aSecondFinerScanFindsLfwFacesTheFirstMissesWhereLfwFacesAre() {
        Assumptions.assumeTrue(RealLfwPhotos.available(), "No LFW folder");
        DetectorSettings oneScan = TestDetectorSettings.from(detector.settings())
                .retryScaleFactor(0)
                .build();
        int missed = 0;
        int foundOnRetry = 0;
        try (FaceDetector single = new FaceDetector(oneScan)) {
            for (Path file : RealLfwPhotos.sample(false, 400, 5)) {
                try (Mat photo = RealLfwPhotos.read(file)) {
                    if (!single.detect(photo).isEmpty()) {
                        // The retry runs only when the first scan finds nothing: same answer.
                        assertThat(detector.detect(photo)).isEqualTo(single.detect(photo));
                        continue;
                    }
                    missed++;
                    List<FaceBox> retried = detector.detect(photo);
                    if (!retried.isEmpty()) {
                        foundOnRetry++;
                        // LFW's faces sit in the middle of the 250 x 250 image.
                        FaceBox face = retried.get(0);
                        assertThat(face.x() + face.width() / 2).isBetween(85, 165);
                        assertThat(face.y() + face.height() / 2).isBetween(85, 165);
                    }
                }
            }
        }
        assertThat(missed)
                .as("precondition: the first scan misses some LFW faces")
                .isPositive();
        assertThat(foundOnRetry).as("found on retry of %d missed", missed).isGreaterThanOrEqualTo(missed / 3);
        assertThatThrownBy(() ->
                        TestDetectorSettings.from(oneScan).retryScaleFactor(1.0).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Searching from 48 px ({@code visage.detection.min-face-size}), faces just above it are found too. */
    @Test
    void findsFacesJustAboveTheSmallestSizeSearched() {
        FaceScenes scenes = scenes(13);
        Random random = new Random(13);
        int faces = 0;
        int found = 0;
        try (FaceDetector floor48 =
                new FaceDetector(TestDetectorSettings.changing().minFaceSize(48).build())) {
            for (int i = 0; i < 30; i++) {
                try (FaceScenes.Scene scene = scenes.compose(random, 640, 480, 1 + i % 3, 52, 72)) {
                    List<FaceBox> detections = floor48.detect(scene.photo());
                    FaceScenes.Match match = FaceScenes.match(scene.truth(framing), detections, 0.5);
                    faces += match.faces();
                    found += match.found();
                }
            }
        }
        System.out.printf("faces of 52-72 px in 640x480: %d of %d found%n", found, faces);
        assertThat(found).as("faces found of %d", faces).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * faces));
    }

    /**
     * The smallest face searched is found on large photos too: their reduced copy is as large as that face needs. A
     * 1600 px photo reduced to 640 px, as before, shrinks every face under 60 px below the 24 px window: of faces of
     * 44-64 px, only those over 60 px could be found. (The strict IoU of 0.5 misses some boxes of such small faces.)
     */
    @Test
    void findsTheSmallestFacesSearchedOnLargePhotosToo() {
        FaceScenes scenes = scenes(14);
        Random random = new Random(14);
        DetectorSettings settings = detector.settings();
        int smallest = settings.minFaceSize();
        assertThat(settings.scannedSide(1600)).isGreaterThan(settings.detectionSide());
        int faces = 0;
        int found = 0;
        for (int i = 0; i < 20; i++) {
            try (FaceScenes.Scene scene = scenes.compose(random, 1600, 1200, 1 + i % 2, smallest + 4, smallest + 24)) {
                FaceScenes.Match match = FaceScenes.match(scene.truth(framing), detector.detect(scene.photo()), 0.5);
                faces += match.faces();
                found += match.found();
            }
        }
        System.out.printf(
                "faces of %d-%d px in 1600x1200: %d of %d found%n", smallest + 4, smallest + 24, found, faces);
        assertThat(found).as("faces found of %d", faces).isGreaterThanOrEqualTo((int) Math.ceil(0.75 * faces));
    }

    /**
     * Faces beside a large smooth area (a sky, a wall; here a gradient filling most of the photo) are found: the
     * first scan sees the grey levels as they are. Equalising the whole photo first, as the detector did before,
     * spreads the gradient over the grey range and flattens the face: it finds fewer of them.
     */
    @Test
    void findsFacesBesideLargeSmoothAreasWhichEqualisingFirstLoses() {
        Assumptions.assumeTrue(
                RealLfwPhotos.available(),
                () -> "No LFW folder at " + RealLfwPhotos.dir().toAbsolutePath());
        FaceScenes scenes = scenes(15);
        Random random = new Random(15);
        int found = 0;
        int foundEqualisedFirst = 0;
        int faces = 0;
        for (Path file : RealLfwPhotos.sample(false, 24, 15)) {
            try (Mat photo = RealLfwPhotos.read(file);
                    Mat canvas = gradient(random, 1280, 960)) {
                double side = 70 + 60 * random.nextDouble();
                FaceScenes.Pasted pasted = scenes.paste(
                        canvas, photo, side, 1.3, 100 + random.nextDouble() * 1080, 100 + random.nextDouble() * 760);
                List<FaceScenes.Box> truth = List.of(pasted.box(framing));
                found += FaceScenes.match(truth, detector.detect(canvas), 0.5).found();
                try (Mat grey = new Mat();
                        Mat equalised = new Mat()) {
                    cvtColor(canvas, grey, COLOR_BGR2GRAY);
                    equalizeHist(grey, equalised);
                    foundEqualisedFirst += FaceScenes.match(truth, detector.detect(equalised), 0.5)
                            .found();
                }
                faces++;
            }
        }
        System.out.printf(
                "faces beside a gradient: %d of %d found, %d equalising first%n", found, faces, foundEqualisedFirst);
        assertThat(found).as("faces found of %d", faces).isGreaterThanOrEqualTo((int) Math.ceil(0.9 * faces));
        assertThat(foundEqualisedFirst).isLessThan(found);
    }

    /** A smooth diagonal gradient between two random colours, with a little noise. */
    private static Mat gradient(Random random, int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        int[] from = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
        int[] to = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double t = (x + y) / (double) (width + height);
                for (int c = 0; c < 3; c++) {
                    double value = from[c] + t * (to[c] - from[c]) + random.nextGaussian() * 2;
                    pixels[(y * width + x) * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(value)));
                }
            }
        }
        Mat canvas = new Mat(height, width, CV_8UC3);
        canvas.data().put(pixels);
        return canvas;
    }

    @Test
    void scansACopyJustLargeEnoughForTheSmallestFaceWithinBounds() {
        DetectorSettings settings = TestDetectorSettings.changing()
                .detectionSide(640)
                .maxDetectionSide(1600)
                .minWindow(24)
                .minFaceSize(64)
                .build();
        assertThat(settings.scannedSide(500)).isEqualTo(500);
        assertThat(settings.scannedSide(800)).isEqualTo(640);
        assertThat(settings.scannedSide(2000)).isEqualTo(1500);
        assertThat(settings.scannedSide(4000)).isEqualTo(1600);
        assertThat(TestDetectorSettings.from(settings).minFaceSize(0).build().scannedSide(4000))
                .isEqualTo(640);
        assertThatThrownBy(() -> TestDetectorSettings.from(settings)
                        .maxDetectionSide(600)
                        .build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesInvalidSettingsAndInputs() {
        assertThatThrownBy(
                        () -> TestDetectorSettings.changing().scaleFactor(1.0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestDetectorSettings.changing().minNeighbors(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> TestDetectorSettings.changing().detectionSide(16).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TestDetectorSettings.changing().maxBoxes(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        try (Mat empty = new Mat()) {
            assertThatThrownBy(() -> detector.detect(empty)).isInstanceOf(IllegalArgumentException.class);
        }
        FaceDetector closed = new FaceDetector(TestDetectorSettings.defaults());
        closed.close();
        try (Mat blank = new Mat(100, 100, CV_8UC3, new Scalar(0, 0, 0, 0))) {
            assertThatThrownBy(() -> closed.detect(blank)).isInstanceOf(IllegalStateException.class);
        }
    }

    private static void assertInside(FaceBox face, Mat photo) {
        assertThat(face.x()).isNotNegative();
        assertThat(face.y()).isNotNegative();
        assertThat(face.x() + face.width()).isLessThanOrEqualTo(photo.cols());
        assertThat(face.y() + face.height()).isLessThanOrEqualTo(photo.rows());
    }
}
