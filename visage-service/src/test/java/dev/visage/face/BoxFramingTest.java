package dev.visage.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;

import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The box-to-LFW-frame mapping, on known boxes and on LFW photos pasted into larger scenes. */
class BoxFramingTest {

    private static final BoxFraming FRAMING = new BoxFraming(69, 68, 112);

    @Test
    void theMedianBoxItselfFramesTheWholeLfwImage() {
        FaceFrame region = FRAMING.frame(new FaceBox(69, 68, 112, 112, 10));

        assertThat(region.x()).isCloseTo(0, within(1e-9));
        assertThat(region.y()).isCloseTo(0, within(1e-9));
        assertThat(region.side()).isCloseTo(250, within(1e-9));
    }

    @Test
    void aBoxTwiceAsLargeElsewhereFramesTwiceTheSideAroundIt() {
        // Box centre (525, 324); the median box's centre (125, 124) scales by 2 to (250, 248) in the frame.
        FaceFrame region = FRAMING.frame(new FaceBox(413, 212, 224, 224, 10));

        assertThat(region.x()).isCloseTo(525 - 250, within(1e-9));
        assertThat(region.y()).isCloseTo(324 - 248, within(1e-9));
        assertThat(region.side()).isCloseTo(500, within(1e-9));
    }

    @Test
    void everyShippedFrontalCascadeHasMeasuredConstants() {
        for (String cascade : List.of(
                FaceDetector.HAAR_FRONTALFACE_ALT2,
                FaceDetector.HAAR_FRONTALFACE_DEFAULT,
                FaceDetector.LBP_FRONTALFACE,
                FaceDetector.LBP_FRONTALFACE_IMPROVED)) {
            BoxFraming framing = BoxFraming.forCascade(cascade);
            assertThat(framing.boxSide()).isBetween(60.0, 160.0);
            assertThat(framing.boxX() + framing.boxSide() / 2).isBetween(115.0, 135.0);
        }
        assertThatThrownBy(() -> BoxFraming.forCascade("eyes.xml")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BoxFraming.forDetector(TestDetectorSettings.changing()
                        .cascade(FaceDetector.HAAR_FRONTALFACE_DEFAULT)
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("proposals");
    }

    @Test
    void extractCopiesTheRegionAndRepeatsTheEdgeOutsideThePhoto() {
        // Pixel value = 5 * column + row on a 20 x 10 grey image.
        try (Mat photo = new Mat(10, 20, CV_8UC1);
                UByteIndexer pixels = photo.createIndexer()) {
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 20; x++) {
                    pixels.put(y, x, 5 * x + y);
                }
            }
            try (Mat inside = FaceScenes.extract(photo, new FaceFrame(4, 2, 6), 6);
                    UByteIndexer out = inside.createIndexer()) {
                assertThat(inside.cols()).isEqualTo(6);
                assertThat(out.get(0, 0)).isEqualTo(pixels.get(2, 4));
                assertThat(out.get(5, 5)).isEqualTo(pixels.get(7, 9));
            }
            try (Mat outside = FaceScenes.extract(photo, new FaceFrame(-3, -2, 5), 5);
                    UByteIndexer out = outside.createIndexer()) {
                assertThat(out.get(0, 0)).isEqualTo(pixels.get(0, 0));
                assertThat(out.get(4, 2)).isEqualTo(pixels.get(2, 0));
                assertThat(out.get(4, 4)).isEqualTo(pixels.get(2, 1));
            }
            assertThatThrownBy(() -> FaceScenes.extract(photo, new FaceFrame(25, 0, 4), 4))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * An LFW photo pasted at twice its size into a larger scene: the frame of the face detected there is the frame of
     * the face detected in the original photo, carried through the paste (within the detector's own variation, as the
     * enlarged and reduced photo is not pixel for pixel the original); and extracting it gives back (nearly) the
     * original photo in the part the network sees, the centred 128 x 128. (Boxes nearest the pasted face's centre are
     * used, as other boxes may be false ones.)
     */
    @Test
    void aDetectedPastedFaceFramesLikeTheOriginalLfwPhoto() {
        Assumptions.assumeTrue(
                RealLfwPhotos.available(),
                () -> "No LFW folder at " + RealLfwPhotos.dir().toAbsolutePath());
        DetectorSettings settings = TestDetectorSettings.defaults();
        BoxFraming framing = BoxFraming.forDetector(settings);
        List<java.nio.file.Path> sources = RealLfwPhotos.sample(false, 40, 7);
        FaceScenes scenes = new FaceScenes(sources, framing);
        Random random = new Random(7);
        double sumDifference = 0;
        double sumShifted = 0;
        int framed = 0;
        try (FaceDetector detector = new FaceDetector(settings)) {
            for (int i = 0; i < 8; i++) {
                try (Mat original = RealLfwPhotos.read(sources.get(i));
                        Mat canvas = scenes.background(random, 1280, 960)) {
                    FaceScenes.Pasted pasted =
                            scenes.paste(canvas, original, 2 * framing.boxSide(), 250 / framing.boxSide(), 640, 480);
                    List<FaceBox> inOriginal = detector.detect(original);
                    List<FaceBox> inScene = detector.detect(canvas);
                    if (inOriginal.isEmpty() || inScene.isEmpty()) {
                        continue;
                    }
                    framed++;
                    FaceFrame expected = framing.frame(nearest(inOriginal, 125, 125));
                    FaceFrame region = framing.frame(nearest(inScene, 640, 480));
                    assertThat(region.side())
                            .isCloseTo(expected.side() * pasted.scaleX(), within(0.12 * region.side()));
                    assertThat(region.x() + region.side() / 2)
                            .isCloseTo(
                                    pasted.offsetX() + (expected.x() + expected.side() / 2) * pasted.scaleX(),
                                    within(0.04 * region.side()));
                    assertThat(region.y() + region.side() / 2)
                            .isCloseTo(
                                    pasted.offsetY() + (expected.y() + expected.side() / 2) * pasted.scaleY(),
                                    within(0.04 * region.side()));
                    try (Mat frame = FaceScenes.extract(canvas, region, 250)) {
                        sumDifference += centreDifference(frame, original, 0);
                        sumShifted += centreDifference(frame, original, 16);
                    }
                }
            }
        }
        System.out.printf(
                "framed %d of 8, mean difference %.1f aligned, %.1f shifted%n",
                framed, sumDifference / framed, sumShifted / framed);
        assertThat(framed).isGreaterThanOrEqualTo(6);
        // Mean absolute difference per channel (0-255) of the centred crop: what is left when aligned is mostly the
        // detector's box error against the median box; a crop 16 px (1/8 of the crop) off differs clearly more.
        assertThat(sumDifference / framed).isLessThan(28);
        assertThat(sumShifted / framed).isGreaterThan(1.5 * sumDifference / framed);
    }

    private static FaceBox nearest(List<FaceBox> faces, double x, double y) {
        return faces.stream()
                .min(Comparator.comparingDouble(f -> Math.hypot(f.centreX() - x, f.centreY() - y)))
                .orElseThrow();
    }

    private static double centreDifference(Mat frame, Mat original, int shift) {
        try (Mat a = new Mat(frame, new Rect(61, 61, 128, 128));
                Mat b = new Mat(original, new Rect(61 + shift, 61, 128, 128));
                Mat difference = new Mat()) {
            absdiff(a, b, difference);
            try (Scalar average = mean(difference)) {
                return (average.get(0) + average.get(1) + average.get(2)) / 3;
            }
        }
    }
}
