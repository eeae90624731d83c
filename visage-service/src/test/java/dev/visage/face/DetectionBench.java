package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_2;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_4;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_REDUCED_COLOR_8;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.visage.identify.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The measurements behind the detector's defaults and the framing constants (docs/detection-report.md). Not a
 * test: run it by hand, on one core, for example
 *
 * <pre>
 * ./mvnw -B -o -q test-compile dependency:build-classpath -pl visage-service -am -Dmdep.outputFile=target/cp.txt
 * S=visage-service/target
 * taskset -c 0 java -cp $S/classes:$S/test-classes:$(cat $S/cp.txt) dev.visage.face.DetectionBench grid alt2
 * </pre>
 *
 * <p>Modes: {@code framing CASCADE [scale neighbours minFace]} (the median LFW box), {@code grid CASCADE [sides scales
 * neighbours minFaces minWindows]} (found rate, false boxes and time per setting), {@code sizes CASCADE side scale
 * neighbours minFace minWindow} (found rate by the face's side in the reduced copy), {@code threads CASCADE side
 * scale neighbours minFace minWindow} (OpenCV threads against concurrent callers), {@code large CASCADE side scale
 * neighbours minFace minWindow} (photos up to 40 megapixels), {@code decode} (OpenCV's and
 * ImageIO's JPEG decoding). Cascades: alt2, default, lbp, lbp-improved. Lists are comma-separated. OpenCV runs on
 * one thread unless a mode says otherwise; system properties {@code bench.scenes} (scenes per size, 60),
 * {@code bench.lfw} (LFW photos, 40) and {@code bench.framing} (photos, 3000) size the runs, {@code bench.seed}
 * (20261201) draws other photos, {@code bench.passes} (1) repeats the timing and keeps the fastest pass,
 * {@code bench.proposals} (lbp) names the proposal cascade ({@code none}: the main cascade scans alone). Times are
 * CPU time of the calling thread, with the median wall time beside them.
 */
public final class DetectionBench {

    private static final Map<String, String> CASCADES = Map.of(
            "alt2",
            FaceDetector.HAAR_FRONTALFACE_ALT2,
            "default",
            FaceDetector.HAAR_FRONTALFACE_DEFAULT,
            "lbp",
            FaceDetector.LBP_FRONTALFACE,
            "lbp-improved",
            FaceDetector.LBP_FRONTALFACE_IMPROVED);
    private static final long SEED = Long.getLong("bench.seed", 20261201L);
    private static final int SCENES_PER_SIZE = Integer.getInteger("bench.scenes", 60);
    private static final int LFW_PHOTOS = Integer.getInteger("bench.lfw", 40);
    private static final int PASSES = Integer.getInteger("bench.passes", 1);
    private static final String PROPOSALS = CASCADES.get(System.getProperty("bench.proposals", "lbp"));
    private static final double RETRY_SCALE_FACTOR = Double.parseDouble(System.getProperty(
            "bench.retry", String.valueOf(TestDetectorSettings.defaults().retryScaleFactor())));

    private DetectionBench() {}

    public static void main(String[] args) throws Exception {
        if (!RealLfwPhotos.available()) {
            throw new IllegalStateException(
                    "No LFW folder at " + RealLfwPhotos.dir().toAbsolutePath());
        }
        opencv_core.setNumThreads(1);
        String mode = args.length > 0 ? args[0] : "grid";
        switch (mode) {
            case "framing" ->
                framing(
                        CASCADES.get(args[1]),
                        args.length > 2 ? Double.parseDouble(args[2]) : 1.1,
                        args.length > 3 ? Integer.parseInt(args[3]) : 5,
                        args.length > 4 ? Integer.parseInt(args[4]) : 0,
                        Integer.getInteger("bench.framing", 3000));
            case "grid" ->
                grid(
                        CASCADES.get(args[1]),
                        ints(args, 2, "320,480,640"),
                        doubles(args, 3, "1.1,1.2,1.3"),
                        ints(args, 4, "3,5"),
                        ints(args, 5, "0"),
                        ints(args, 6, "0"));
            case "sizes" ->
                sizes(settings(
                                CASCADES.get(args[1]),
                                Integer.parseInt(args[2]),
                                Double.parseDouble(args[3]),
                                Integer.parseInt(args[4]),
                                Integer.parseInt(args[6]))
                        .minFaceSize(Integer.parseInt(args[5]))
                        .build());
            case "threads" ->
                threads(settings(
                                CASCADES.get(args[1]),
                                Integer.parseInt(args[2]),
                                Double.parseDouble(args[3]),
                                Integer.parseInt(args[4]),
                                Integer.parseInt(args[6]))
                        .minFaceSize(Integer.parseInt(args[5]))
                        .build());
            case "large" ->
                large(settings(
                                CASCADES.get(args[1]),
                                Integer.parseInt(args[2]),
                                Double.parseDouble(args[3]),
                                Integer.parseInt(args[4]),
                                Integer.parseInt(args[6]))
                        .minFaceSize(Integer.parseInt(args[5]))
                        .build());
            case "decode" -> decode();
            default -> throw new IllegalArgumentException("Unknown mode " + mode);
        }
    }

    private static TestDetectorSettings settings(String cascade, int side, double scale, int neighbours, int min) {
        return TestDetectorSettings.changing()
                .cascade(cascade)
                .proposalCascade(PROPOSALS)
                .detectionSide(side)
                .maxDetectionSide(Math.max(side, TestDetectorSettings.defaults().maxDetectionSide()))
                .scaleFactor(scale)
                .retryScaleFactor(RETRY_SCALE_FACTOR)
                .minNeighbors(neighbours)
                .minWindow(min);
    }

    /** Runs the detector over whole LFW photos and reports where its box nearest the centre lies. */
    static void framing(String cascade, double scale, int neighbours, int minFace, int count) {
        List<Path> photos = RealLfwPhotos.sample(true, count, SEED);
        List<double[]> boxes = new ArrayList<>();
        long nanos = 0;
        try (FaceDetector detector = new FaceDetector(settings(cascade, 640, scale, neighbours, 0)
                .minFaceSize(minFace)
                .build())) {
            for (Path file : photos) {
                try (Mat photo = RealLfwPhotos.read(file)) {
                    long start = THREADS.getCurrentThreadCpuTime();
                    List<FaceBox> faces = detector.detect(photo);
                    nanos += THREADS.getCurrentThreadCpuTime() - start;
                    FaceBox nearest = null;
                    double nearestDistance = Double.MAX_VALUE;
                    for (FaceBox face : faces) {
                        double dx = face.centreX() - photo.cols() / 2.0;
                        double dy = face.centreY() - photo.rows() / 2.0;
                        double distance = dx * dx + dy * dy;
                        if (distance < nearestDistance) {
                            nearest = face;
                            nearestDistance = distance;
                        }
                    }
                    if (nearest != null) {
                        boxes.add(new double[] {
                            nearest.x(),
                            nearest.y(),
                            (nearest.width() + nearest.height()) / 2.0,
                            nearest.centreX(),
                            nearest.centreY()
                        });
                    }
                }
            }
        }
        double[] x = column(boxes, 0);
        double[] y = column(boxes, 1);
        double[] side = column(boxes, 2);
        double medianSide = quantile(side, 0.5);
        double medianCentreX = quantile(column(boxes, 3), 0.5);
        double medianCentreY = quantile(column(boxes, 4), 0.5);
        double[] offsetX = boxes.stream()
                .mapToDouble(b -> (b[3] - medianCentreX) / medianSide)
                .toArray();
        double[] offsetY = boxes.stream()
                .mapToDouble(b -> (b[4] - medianCentreY) / medianSide)
                .toArray();
        double[] ratio = Arrays.stream(side).map(s -> s / medianSide).toArray();
        System.out.printf(
                Locale.ROOT,
                "framing %s scale %.2f neighbours %d min face %d: %d photos, a box in %d "
                        + "(%.1f%%), %.1f ms CPU/photo%n",
                shortName(cascade),
                scale,
                neighbours,
                minFace,
                photos.size(),
                boxes.size(),
                100.0 * boxes.size() / photos.size(),
                nanos / 1e6 / photos.size());
        System.out.printf(
                Locale.ROOT,
                "  median box x %.1f y %.1f side %.1f (centre %.1f, %.1f)%n",
                quantile(x, 0.5),
                quantile(y, 0.5),
                medianSide,
                medianCentreX,
                medianCentreY);
        System.out.printf(
                Locale.ROOT, "  quartiles x %s y %s side %s%n", quartiles(x, 1), quartiles(y, 1), quartiles(side, 1));
        System.out.printf(
                Locale.ROOT,
                "  centre offset / median side: x %s (IQR %.3f) y %s (IQR %.3f)%n",
                quartiles(offsetX, 3),
                iqr(offsetX),
                quartiles(offsetY, 3),
                iqr(offsetY));
        System.out.printf(
                Locale.ROOT,
                "  side / median side: %s (IQR %.3f), 5%%-95%% %.3f-%.3f%n",
                quartiles(ratio, 3),
                iqr(ratio),
                quantile(ratio, 0.05),
                quantile(ratio, 0.95));
        System.out.printf(
                Locale.ROOT,
                "  centre offset 5%%-95%%: x %.3f..%.3f y %.3f..%.3f%n",
                quantile(offsetX, 0.05),
                quantile(offsetX, 0.95),
                quantile(offsetY, 0.05),
                quantile(offsetY, 0.95));
    }

    /** The seeded benchmark photos: LFW photos at 250 x 250, and composed 640 x 480 and 1600 x 1200 scenes. */
    record Photos(List<Mat> lfw, List<FaceScenes.Scene> small, List<FaceScenes.Scene> large, List<Mat> empty) {

        static Photos make(int lfwCount, int scenesPerSize) {
            List<Path> sources = RealLfwPhotos.sample(false, 2000, SEED);
            FaceScenes scenes = new FaceScenes(sources, BoxFraming.HAAR_FRONTALFACE_ALT2);
            Random random = new Random(SEED);
            List<Mat> lfw = sources.subList(sources.size() - lfwCount, sources.size()).stream()
                    .map(RealLfwPhotos::read)
                    .toList();
            List<FaceScenes.Scene> small = compose(scenes, random, 640, 480, scenesPerSize);
            List<FaceScenes.Scene> large = compose(scenes, random, 1600, 1200, scenesPerSize);
            List<Mat> empty = new ArrayList<>();
            for (int i = 0; i < scenesPerSize / 2; i++) {
                empty.add(scenes.background(random, 640, 480));
                empty.add(scenes.background(random, 1600, 1200));
            }
            return new Photos(lfw, small, large, empty);
        }

        private static List<FaceScenes.Scene> compose(
                FaceScenes scenes, Random random, int width, int height, int count) {
            List<FaceScenes.Scene> list = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int faces = i % 4 < 2 ? 1 : i % 4 == 2 ? 2 : 3;
                list.add(scenes.compose(random, width, height, faces, 90, 320));
            }
            return list;
        }

        int faceCount() {
            return small.stream().mapToInt(s -> s.faces().size()).sum()
                    + large.stream().mapToInt(s -> s.faces().size()).sum();
        }
    }

    /** Found rate, false boxes and time for every combination of the given settings. */
    static void grid(String cascade, int[] sides, double[] scales, int[] neighbours, int[] minFaces, int[] minSizes) {
        Photos photos = Photos.make(LFW_PHOTOS, SCENES_PER_SIZE);
        BoxFraming framing =
                BoxFraming.forDetector(settings(cascade, 640, 1.3, 3, 0).build());
        System.out.printf(
                Locale.ROOT,
                "%s (proposals: %s): %d LFW photos, %d + %d scenes with %d faces (90-320 px), %d backgrounds "
                        + "without faces, seed %d%n",
                shortName(cascade),
                PROPOSALS == null ? "none" : shortName(PROPOSALS),
                photos.lfw().size(),
                photos.small().size(),
                photos.large().size(),
                photos.faceCount(),
                photos.empty().size(),
                SEED);
        System.out.println("| cascade | side | scale | nb | min face | min window | found | 640x480 | 1600x1200 | "
                + "IoU | false/scene | false/background | votes true p10/p50 | votes false p50/p90 | LFW found | "
                + "ms 250 | ms 640x480 | "
                + "ms 1600x1200 | ms no face 640x480 | ms no face 1600x1200 |  (ms: mean CPU time of the calling thread (median wall time), fastest of "
                + PASSES + " passes)");
        for (int side : sides) {
            for (double scale : scales) {
                for (int neighbour : neighbours) {
                    for (int minFace : minFaces) {
                        for (int minSize : minSizes) {
                            DetectorSettings settings = settings(cascade, side, scale, neighbour, minSize)
                                    .minFaceSize(minFace)
                                    .build();
                            try (FaceDetector detector = new FaceDetector(settings)) {
                                for (int i = 0; i < 3; i++) {
                                    detector.detect(photos.small().get(i).photo());
                                }
                                List<Integer> trueVotes = new ArrayList<>();
                                List<Integer> falseVotes = new ArrayList<>();
                                List<double[]> boxErrors = new ArrayList<>();
                                Result lfw = null;
                                Result small = null;
                                Result large = null;
                                for (int pass = 0; pass < PASSES; pass++) {
                                    lfw = faster(lfw, measureLfw(detector, photos.lfw(), framing));
                                    small = faster(
                                            small,
                                            measure(
                                                    detector,
                                                    photos.small(),
                                                    framing,
                                                    trueVotes,
                                                    falseVotes,
                                                    boxErrors));
                                    large = faster(
                                            large,
                                            measure(
                                                    detector,
                                                    photos.large(),
                                                    framing,
                                                    trueVotes,
                                                    falseVotes,
                                                    boxErrors));
                                }
                                boxError(settings, boxErrors);
                                int emptyBoxes = 0;
                                long[] emptyNanos = new long[2];
                                for (Mat empty : photos.empty()) {
                                    long start = THREADS.getCurrentThreadCpuTime();
                                    emptyBoxes += detector.detect(empty).size();
                                    emptyNanos[empty.cols() > 640 ? 1 : 0] += THREADS.getCurrentThreadCpuTime() - start;
                                }
                                int faces = small.faces + large.faces;
                                int found = small.found + large.found;
                                System.out.printf(
                                        Locale.ROOT,
                                        "| %s | %d | %.2f | %d | %d | %d | %.1f%% | %.1f%% | "
                                                + "%.1f%% | %.2f | %.2f | %.2f | %s | %s | %.1f%% | %s | %s | %s | %.1f | %.1f |%n",
                                        shortName(cascade),
                                        side,
                                        scale,
                                        neighbour,
                                        minFace,
                                        minSize,
                                        100.0 * found / faces,
                                        small.foundPercent(),
                                        large.foundPercent(),
                                        (small.iouSum + large.iouSum) / Math.max(1, found),
                                        (double) (small.falseBoxes + large.falseBoxes) / (small.photos + large.photos),
                                        (double) emptyBoxes / photos.empty().size(),
                                        percentiles(trueVotes, 0.1, 0.5),
                                        percentiles(falseVotes, 0.5, 0.9),
                                        lfw.foundPercent(),
                                        lfw.millis(),
                                        small.millis(),
                                        large.millis(),
                                        emptyNanos[0] / 1e6 / (photos.empty().size() / 2),
                                        emptyNanos[1] / 1e6 / (photos.empty().size() / 2));
                            }
                        }
                    }
                }
            }
        }
    }

    /** Found rate by the face's side in the reduced copy, on scenes with faces of 40-320 px. */
    static void sizes(DetectorSettings settings) {
        List<Path> sources = RealLfwPhotos.sample(false, 2000, SEED + 1);
        FaceScenes scenes = new FaceScenes(sources, BoxFraming.HAAR_FRONTALFACE_ALT2);
        BoxFraming framing = BoxFraming.forDetector(settings);
        Random random = new Random(SEED + 1);
        int[] edges = {0, 16, 20, 24, 28, 32, 40, 48, 64, 96, 1000};
        int[] faces = new int[edges.length - 1];
        int[] found = new int[edges.length - 1];
        int[][] sizes = {{640, 480}, {1280, 960}, {1600, 1200}};
        try (FaceDetector detector = new FaceDetector(settings)) {
            for (int i = 0; i < 3 * SCENES_PER_SIZE; i++) {
                int[] size = sizes[i % 3];
                try (FaceScenes.Scene scene = scenes.compose(random, size[0], size[1], 1 + i % 3, 40, 320)) {
                    int longest = Math.max(size[0], size[1]);
                    double reduce = (double) settings.scannedSide(longest) / longest;
                    List<FaceScenes.Box> truth = scene.truth(framing);
                    FaceScenes.Match match = FaceScenes.match(truth, detector.detect(scene.photo()), 0.5);
                    for (int t = 0; t < truth.size(); t++) {
                        double reduced = truth.get(t).side() * reduce;
                        int bin = 0;
                        while (reduced >= edges[bin + 1]) {
                            bin++;
                        }
                        faces[bin]++;
                        found[bin] += match.found(t) ? 1 : 0;
                    }
                }
            }
        }
        System.out.println(settings);
        for (int bin = 0; bin < faces.length; bin++) {
            if (faces[bin] > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "  reduced face %4d-%-4d px: %3d of %3d found (%.1f%%)%n",
                        edges[bin],
                        edges[bin + 1],
                        found[bin],
                        faces[bin],
                        100.0 * found[bin] / faces[bin]);
            }
        }
    }

    /** Counts and times of one setting on one set of photos; times are CPU time of the calling thread. */
    private record Result(
            int photos, int faces, int found, int falseBoxes, double iouSum, long cpuNanos, double[] wallMillis) {

        double foundPercent() {
            return 100.0 * found / faces;
        }

        String millis() {
            return String.format(Locale.ROOT, "%.1f (%.1f)", cpuNanos / 1e6 / photos, quantile(wallMillis, 0.5));
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Runs one detection, adding its CPU time (ns) to {@code cpu[0]} and its wall time (ms) to {@code wall}. */
    private static List<FaceBox> timed(FaceDetector detector, Mat photo, long[] cpu, double[] wall, int index) {
        long startCpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        List<FaceBox> faces = detector.detect(photo);
        wall[index] = (System.nanoTime() - start) / 1e6;
        cpu[0] += THREADS.getCurrentThreadCpuTime() - startCpu;
        return faces;
    }

    private static Result measure(
            FaceDetector detector,
            List<FaceScenes.Scene> scenes,
            BoxFraming framing,
            List<Integer> trueVotes,
            List<Integer> falseVotes,
            List<double[]> boxErrors) {
        int faces = 0;
        int found = 0;
        int falseBoxes = 0;
        double iouSum = 0;
        long[] cpu = new long[1];
        double[] wall = new double[scenes.size()];
        for (int s = 0; s < scenes.size(); s++) {
            FaceScenes.Scene scene = scenes.get(s);
            List<FaceBox> detections = timed(detector, scene.photo(), cpu, wall, s);
            FaceScenes.Match match = FaceScenes.match(scene.truth(framing), detections, 0.5);
            faces += match.faces();
            found += match.found();
            falseBoxes += match.falseBoxes();
            iouSum += match.iouSum();
            for (int i = 0; i < detections.size(); i++) {
                (match.trueDetections()[i] ? trueVotes : falseVotes)
                        .add(detections.get(i).score());
            }
            List<FaceScenes.Box> truth = scene.truth(framing);
            for (int t = 0; t < truth.size(); t++) {
                if (match.found(t)) {
                    FaceScenes.Box box = truth.get(t);
                    FaceBox face = detections.get(match.detectionOf()[t]);
                    double side = box.side();
                    boxErrors.add(new double[] {
                        (face.width() + face.height()) / 2.0 / side,
                        (face.centreX() - box.x() - side / 2) / side,
                        (face.centreY() - box.y() - side / 2) / side
                    });
                }
            }
        }
        return new Result(scenes.size(), faces, found, falseBoxes, iouSum, cpu[0], wall);
    }

    /** Prints how found boxes differ from the true ones: side ratio and centre offset in true box sides. */
    private static void boxError(DetectorSettings settings, List<double[]> errors) {
        double[] ratio = column(errors, 0);
        double[] dx = column(errors, 1);
        double[] dy = column(errors, 2);
        System.err.printf(
                Locale.ROOT,
                "box error %s side %d scale %.2f nb %d: side/true p5 %.3f IQR %s p95 %.3f; "
                        + "centre dx IQR %s p5-p95 %.3f..%.3f; dy IQR %s p5-p95 %.3f..%.3f%n",
                shortName(settings.cascade()),
                settings.detectionSide(),
                settings.scaleFactor(),
                settings.minNeighbors(),
                quantile(ratio, 0.05),
                quartiles(ratio, 3),
                quantile(ratio, 0.95),
                quartiles(dx, 3),
                quantile(dx, 0.05),
                quantile(dx, 0.95),
                quartiles(dy, 3),
                quantile(dy, 0.05),
                quantile(dy, 0.95));
    }

    /** The pass with the lower CPU time (the least disturbed by other work on the machine); counts are equal. */
    private static Result faster(Result a, Result b) {
        return a == null || b.cpuNanos() < a.cpuNanos() ? b : a;
    }

    private static String percentiles(List<Integer> values, double low, double high) {
        if (values.isEmpty()) {
            return "-";
        }
        double[] array = values.stream().mapToDouble(Integer::doubleValue).toArray();
        return String.format(Locale.ROOT, "%.0f/%.0f", quantile(array, low), quantile(array, high));
    }

    private static Result measureLfw(FaceDetector detector, List<Mat> photos, BoxFraming framing) {
        FaceScenes.Box box = new FaceScenes.Pasted(0, 0, 1, 1).box(framing);
        int found = 0;
        long[] cpu = new long[1];
        double[] wall = new double[photos.size()];
        for (int i = 0; i < photos.size(); i++) {
            List<FaceBox> detections = timed(detector, photos.get(i), cpu, wall, i);
            found += FaceScenes.match(List.of(box), detections, 0.5).found();
        }
        return new Result(photos.size(), photos.size(), found, 0, 0, cpu[0], wall);
    }

    /** Time of one detection on photos up to 40 megapixels (a composed scene enlarged), fastest of 5. */
    static void large(DetectorSettings settings) {
        Photos photos = Photos.make(1, 4);
        int[][] sizes = {{640, 480}, {1600, 1200}, {3200, 2400}, {6000, 4500}, {8000, 5000}};
        try (FaceDetector detector = new FaceDetector(settings)) {
            for (int[] size : sizes) {
                try (Mat photo = new Mat()) {
                    resize(photos.large().get(0).photo(), photo, new Size(size[0], size[1]), 0, 0, INTER_LINEAR);
                    long best = Long.MAX_VALUE;
                    int faces = 0;
                    for (int i = 0; i < 5; i++) {
                        long start = THREADS.getCurrentThreadCpuTime();
                        faces = detector.detect(photo).size();
                        best = Math.min(best, THREADS.getCurrentThreadCpuTime() - start);
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "%dx%d (%.1f MP): %.1f ms CPU, %d faces%n",
                            size[0],
                            size[1],
                            size[0] * (double) size[1] / 1e6,
                            best / 1e6,
                            faces);
                }
            }
        }
    }

    /** Latency of one caller and throughput of two, with OpenCV on 1 and on 2 threads. */
    static void threads(DetectorSettings settings) throws Exception {
        Photos photos = Photos.make(LFW_PHOTOS, SCENES_PER_SIZE);
        List<Mat> all = new ArrayList<>();
        photos.small().forEach(scene -> all.add(scene.photo()));
        photos.large().forEach(scene -> all.add(scene.photo()));
        try (FaceDetector detector = new FaceDetector(settings)) {
            for (int round = 0; round < 2; round++) {
                for (int threads : new int[] {1, 2}) {
                    opencv_core.setNumThreads(threads);
                    for (Mat photo : all.subList(0, 5)) {
                        detector.detect(photo);
                    }
                    long start = System.nanoTime();
                    long startCpu = PROCESS.getProcessCpuTime();
                    for (Mat photo : all) {
                        detector.detect(photo);
                    }
                    double oneCaller = (System.nanoTime() - start) / 1e6 / all.size();
                    double oneCallerCpu = (PROCESS.getProcessCpuTime() - startCpu) / 1e6 / all.size();
                    ExecutorService pool = Executors.newFixedThreadPool(2);
                    AtomicInteger next = new AtomicInteger();
                    start = System.nanoTime();
                    startCpu = PROCESS.getProcessCpuTime();
                    List<Future<?>> done = new ArrayList<>();
                    for (int t = 0; t < 2; t++) {
                        done.add(pool.submit(() -> {
                            for (int i; (i = next.getAndIncrement()) < 2 * all.size(); ) {
                                detector.detect(all.get(i % all.size()));
                            }
                        }));
                    }
                    for (Future<?> future : done) {
                        future.get();
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double twoCallersCpu = (PROCESS.getProcessCpuTime() - startCpu) / 1e6 / (2 * all.size());
                    pool.shutdown();
                    System.out.printf(
                            Locale.ROOT,
                            "round %d, OpenCV threads %d (getNumThreads %d): one caller %.1f "
                                    + "ms/photo wall, %.1f ms process CPU/photo; two callers %.1f photos/s, %.1f ms process "
                                    + "CPU/photo; load average %.2f%n",
                            round,
                            threads,
                            opencv_core.getNumThreads(),
                            oneCaller,
                            oneCallerCpu,
                            2 * all.size() / seconds,
                            twoCallersCpu,
                            PROCESS.getSystemLoadAverage());
                }
            }
        }
    }

    /** JPEG decoding: ImageIO against OpenCV's imdecode, full size and reduced by 2, 4 and 8. */
    static void decode() throws IOException {
        List<Path> files = RealLfwPhotos.sample(false, 200, SEED);
        List<byte[]> lfw = new ArrayList<>();
        for (Path file : files) {
            lfw.add(Files.readAllBytes(file));
        }
        Photos photos = Photos.make(1, 20);
        List<byte[]> large = new ArrayList<>();
        for (FaceScenes.Scene scene : photos.large()) {
            try (BytePointer buffer = new BytePointer();
                    IntPointer quality = new IntPointer(IMWRITE_JPEG_QUALITY, 90)) {
                if (!imencode(".jpg", scene.photo(), buffer, quality) || buffer.limit() < 1000) {
                    throw new IllegalStateException("imencode failed");
                }
                byte[] bytes = new byte[(int) buffer.limit()];
                buffer.get(bytes);
                large.add(bytes);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "250x250: %d LFW JPEGs, mean %.0f bytes; 1600x1200: %d scenes at quality 90, " + "mean %.0f bytes%n",
                lfw.size(),
                lfw.stream().mapToInt(b -> b.length).average().orElse(0),
                large.size(),
                large.stream().mapToInt(b -> b.length).average().orElse(0));
        exifCheck(large.get(0));
        for (int round = 0; round < 3; round++) {
            System.out.printf(Locale.ROOT, "round %d%n", round);
            report("250x250 ImageIO", imageIo(lfw), lfw.size());
            report("250x250 imdecode COLOR", openCv(lfw, IMREAD_COLOR), lfw.size());
            report("1600x1200 ImageIO", imageIo(large), large.size());
            report("1600x1200 imdecode COLOR", openCv(large, IMREAD_COLOR), large.size());
            report("1600x1200 imdecode REDUCED_COLOR_2", openCv(large, IMREAD_REDUCED_COLOR_2), large.size());
            report("1600x1200 imdecode REDUCED_COLOR_4", openCv(large, IMREAD_REDUCED_COLOR_4), large.size());
            report("1600x1200 imdecode REDUCED_COLOR_8", openCv(large, IMREAD_REDUCED_COLOR_8), large.size());
        }
    }

    /** Whether imdecode turns a JPEG with EXIF orientation 6 (rotate 90 degrees clockwise) upright. */
    private static void exifCheck(byte[] jpeg) {
        byte[] rotated = TestImages.insertAfterSoi(jpeg, TestImages.orientationSegment(true, 6));
        for (int flags : new int[] {IMREAD_COLOR, IMREAD_REDUCED_COLOR_2}) {
            try (BytePointer data = new BytePointer(rotated);
                    Mat buffer = new Mat(1, rotated.length, opencv_core.CV_8UC1, data);
                    Mat image = imdecode(buffer, flags)) {
                System.out.printf(
                        Locale.ROOT,
                        "EXIF orientation 6 on a 1600x1200 JPEG, imdecode flags %d: %dx%d%n",
                        flags,
                        image.cols(),
                        image.rows());
            }
        }
    }

    private static void report(String what, long nanos, int count) {
        System.out.printf(Locale.ROOT, "  %-36s %7.2f ms CPU/image%n", what, nanos / 1e6 / count);
    }

    private static long imageIo(List<byte[]> images) throws IOException {
        long start = THREADS.getCurrentThreadCpuTime();
        for (byte[] bytes : images) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IOException("ImageIO could not decode");
            }
        }
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    private static long openCv(List<byte[]> images, int flags) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (byte[] bytes : images) {
            try (BytePointer data = new BytePointer(bytes);
                    Mat buffer = new Mat(1, bytes.length, opencv_core.CV_8UC1, data);
                    Mat image = imdecode(buffer, flags)) {
                if (image.empty()) {
                    throw new IllegalStateException("imdecode could not decode");
                }
            }
        }
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    private static String shortName(String cascade) {
        return CASCADES.entrySet().stream()
                .filter(e -> e.getValue().equals(cascade))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(cascade);
    }

    private static int[] ints(String[] args, int index, String fallback) {
        return Arrays.stream((args.length > index ? args[index] : fallback).split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
    }

    private static double[] doubles(String[] args, int index, String fallback) {
        return Arrays.stream((args.length > index ? args[index] : fallback).split(","))
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    private static double[] column(List<double[]> rows, int index) {
        return rows.stream().mapToDouble(row -> row[index]).toArray();
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(sorted.length - 1, low + 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }

    private static double iqr(double[] values) {
        return quantile(values, 0.75) - quantile(values, 0.25);
    }

    private static String quartiles(double[] values, int digits) {
        String format = "%." + digits + "f";
        return String.format(
                Locale.ROOT,
                "[" + format + ", " + format + ", " + format + "]",
                quantile(values, 0.25),
                quantile(values, 0.5),
                quantile(values, 0.75));
    }
}
