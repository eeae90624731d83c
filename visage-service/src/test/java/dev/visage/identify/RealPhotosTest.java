package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.visage.face.AlignedPhotoFraming;
import dev.visage.face.BoxFraming;
import dev.visage.face.DetectionProperties;
import dev.visage.face.FaceDetector;
import dev.visage.face.TestDetectorSettings;
import dev.visage.network.NetworkConfig;
import dev.visage.serving.CurrentModel;
import dev.visage.store.ModelStore;
import dev.visage.training.FaceTrainer;
import dev.visage.training.TrainedModel;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingMetrics;
import dev.visage.training.TrainingObserver;
import dev.visage.training.TrainingProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Real photos end to end, with the real detector and a model trained here on real LFW people (the detector's
 * framing, a few epochs): LFW test photos of those people pasted at random sizes and places into larger pictures,
 * side by side, rotated by EXIF, against an edge, and pictures without a face. Skipped without LFW.
 */
class RealPhotosTest {

    private static final int PEOPLE = 5;
    private static final int EPOCHS = 10;
    private static final BoxFraming FRAMING = BoxFraming.forDetector(TestDetectorSettings.defaults());

    @TempDir
    static Path models;

    private static Path lfw;
    private static List<String> people;
    private static List<Path> testPhotos;
    private static List<Integer> testLabels;
    private static TrainingMetrics metrics;
    private static CurrentModel currentModel;
    private static FaceDetector detector;
    private static IdentificationService service;

    /** A picture with faces pasted in, and where each face's box truly is. */
    record Composed(byte[] jpeg, List<Identification.Box> truth, List<String> persons) {}

    @BeforeAll
    static void trainOnLfw() throws IOException {
        lfw = Path.of(System.getenv().getOrDefault("VISAGE_LFW_DIR", "../shared/lfw/lfw-deepfunneled"));
        Assumptions.assumeTrue(Files.isDirectory(lfw), () -> "No LFW folder at " + lfw.toAbsolutePath());
        TrainingProperties training = new Binder(new MapConfigurationPropertySource(Map.of(
                        "visage.training.people", String.valueOf(PEOPLE),
                        "visage.training.epochs", String.valueOf(EPOCHS))))
                .bindOrCreate("visage.training", TrainingProperties.class);
        TrainingConfig config = training.toConfig(NetworkConfig.SEED);
        DetectionProperties detection = new Binder().bindOrCreate("visage.detection", DetectionProperties.class);
        detector = new FaceDetector(detection.toSettings());
        ModelStore store = new ModelStore(models, 2);
        try (TrainedModel trained = new FaceTrainer(
                        config, new TrainingObserver() {}, () -> false, new AlignedPhotoFraming(detector), null)
                .train(lfw)) {
            store.save(
                    trained.model(),
                    trained.manifest(Instant.now(), trained.calibratedMinConfidence()),
                    trained.metrics(),
                    trained.split());
            people = trained.people();
            testPhotos = trained.split().test().stream()
                    .map(image -> lfw.resolve(image.file()))
                    .toList();
            testLabels =
                    trained.split().test().stream().map(image -> image.label()).toList();
            metrics = trained.metrics();
        }
        currentModel = new CurrentModel(store);
        IdentifyProperties identify = new Binder().bindOrCreate("visage.identify", IdentifyProperties.class);
        service = new IdentificationService(
                currentModel,
                identify,
                detector,
                new SimpleMeterRegistry(),
                new MemoryBudget(Long.MAX_VALUE),
                EnrolledFaces.NONE);
    }

    @AfterAll
    static void close() throws Exception {
        if (service != null) {
            service.destroy();
            currentModel.destroy();
            detector.close();
        }
    }

    private static BufferedImage background(Random random, int width, int height) {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = picture.createGraphics();
        g.setPaint(new GradientPaint(
                0, 0, new Color(random.nextInt(0xffffff)), width, height, new Color(random.nextInt(0xffffff))));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 12; i++) {
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillRect(
                    random.nextInt(width), random.nextInt(height), 20 + random.nextInt(120), 20 + random.nextInt(80));
        }
        g.dispose();
        return picture;
    }

    /** Pastes test photo {@code index} so that its face is {@code faceSide} pixels, with its left edge at x, y. */
    private static Identification.Box paste(BufferedImage picture, int index, int faceSide, int x, int y)
            throws IOException {
        BufferedImage photo = ImageIO.read(testPhotos.get(index).toFile());
        double scale = faceSide / FRAMING.boxSide();
        int side = (int) Math.round(250 * scale);
        Graphics2D g = picture.createGraphics();
        g.drawImage(photo, x, y, side, side, null);
        g.dispose();
        return new Identification.Box(
                (int) Math.round(x + FRAMING.boxX() * scale),
                (int) Math.round(y + FRAMING.boxY() * scale),
                faceSide,
                faceSide);
    }

    private static byte[] jpeg(BufferedImage picture) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture, "jpeg", out);
        return out.toByteArray();
    }

    private static double iou(Identification.Box a, Identification.Box b) {
        double w = Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x());
        double h = Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y());
        double inter = Math.max(0, w) * Math.max(0, h);
        return inter / ((double) a.width() * a.height() + (double) b.width() * b.height() - inter);
    }

    private static Identification.Face matching(Identification answer, Identification.Box truth) {
        return answer.faces().stream()
                .filter(face -> iou(face.box(), truth) >= 0.4)
                .findFirst()
                .orElse(null);
    }

    /** Issue #30: metrics.json's test figures are what /identify answers on the test photos sent as files. */
    @Test
    void theTestFiguresOfMetricsJsonAreWhatIdentifyAnswersOnTheTestPhotos() throws IOException {
        int topRight = 0;
        int named = 0;
        int noFace = 0;
        for (int i = 0; i < testPhotos.size(); i++) {
            Identification answer = service.identify(Files.readAllBytes(testPhotos.get(i)), 1, false, true);
            String person = people.get(testLabels.get(i));
            noFace += answer.faces().isEmpty() ? 1 : 0;
            topRight += !answer.candidates().isEmpty()
                            && answer.candidates().get(0).person().equals(person)
                    ? 1
                    : 0;
            named += answer.known() && answer.person().equals(person) ? 1 : 0;
        }
        int photos = testPhotos.size();
        // One photo either way: training crops its faces into bytes, serving keeps the floats.
        assertThat(noFace)
                .as("test photos without a face")
                .isEqualTo(metrics.test().noFace());
        assertThat(topRight)
                .as("test photos whose top candidate is right, of %d", photos)
                .isCloseTo((int) Math.round(metrics.testAccuracy() * photos), within(1));
        assertThat(named)
                .as("test photos named right at the threshold, of %d", photos)
                .isCloseTo((int) Math.round(metrics.openSet().knownCorrect() * photos), within(1));
    }

    @Test
    void findsAndNamesSingleFacesPastedAtRandomSizesAndPlaces() throws IOException {
        Random random = new Random(11);
        int photos = 24;
        int found = 0;
        int named = 0;
        for (int n = 0; n < photos; n++) {
            int width = random.nextBoolean() ? 640 : 1280;
            int height = width * 3 / 4;
            int index = random.nextInt(testPhotos.size());
            int faceSide = 90 + random.nextInt(width == 640 ? 100 : 180);
            int side = (int) Math.round(250 * faceSide / FRAMING.boxSide());
            BufferedImage picture = background(random, width, height);
            Identification.Box truth = paste(
                    picture,
                    index,
                    faceSide,
                    random.nextInt(Math.max(1, width - side)),
                    random.nextInt(Math.max(1, height - side)));

            Identification answer = service.identify(jpeg(picture), 3, false, true);

            Identification.Face face = matching(answer, truth);
            found += face == null ? 0 : 1;
            named += face != null && people.get(testLabels.get(index)).equals(face.person()) ? 1 : 0;
        }
        assertThat(found).as("faces found of %d", photos).isGreaterThanOrEqualTo(photos * 9 / 10);
        // Chance is 1 in 5; a few epochs of training name most faces.
        assertThat(named).as("faces named right of %d", photos).isGreaterThanOrEqualTo(photos / 2);
    }

    @Test
    void findsEveryoneInGroupPhotosLargestFirst() throws IOException {
        Random random = new Random(12);
        int pasted = 0;
        int found = 0;
        for (int n = 0; n < 6; n++) {
            BufferedImage picture = background(random, 1280, 720);
            int count = 2 + n % 2;
            List<Identification.Box> truths = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int faceSide = 90 + random.nextInt(60);
                truths.add(paste(picture, random.nextInt(testPhotos.size()), faceSide, 40 + i * 400, 150));
            }
            Identification answer = service.identify(jpeg(picture), 3, false, true);

            pasted += count;
            found += (int) truths.stream()
                    .filter(truth -> matching(answer, truth) != null)
                    .count();
            List<Integer> areas = answer.faces().stream()
                    .map(face -> face.box().width() * face.box().height())
                    .toList();
            assertThat(areas).isSortedAccordingTo((a, b) -> b - a);
        }
        assertThat(found).as("faces found of %d", pasted).isGreaterThanOrEqualTo(pasted * 9 / 10);
    }

    /** One smallest face size: the detector reports no face below it, and a smaller aligned face is too small. */
    @Test
    void facesUnderTheSmallestFaceSizeAreNotIdentified() throws IOException {
        BufferedImage picture = background(new Random(14), 1024, 576);
        Identification.Box large = paste(picture, 0, 180, 60, 120);
        paste(picture, 1, 100, 600, 200);
        DetectionProperties detection = new Binder(
                        new MapConfigurationPropertySource(Map.of("visage.detection.min-face-size", "140")))
                .bindOrCreate("visage.detection", DetectionProperties.class);
        IdentifyProperties identify = new Binder().bindOrCreate("visage.identify", IdentifyProperties.class);
        try (FaceDetector strictDetector = new FaceDetector(detection.toSettings())) {
            IdentificationService strict = new IdentificationService(
                    currentModel,
                    identify,
                    strictDetector,
                    new SimpleMeterRegistry(),
                    new MemoryBudget(Long.MAX_VALUE),
                    EnrolledFaces.NONE);
            try {
                Identification answer = strict.identify(jpeg(picture), 3, false, true);

                Identification.Face largeFace = matching(answer, large);
                assertThat(largeFace).as("the 180 px face").isNotNull();
                assertThat(largeFace.reason()).isNull();
                assertThat(largeFace.candidates()).isNotEmpty();
                // The 100 px face may be found only in a window of the smallest size searched, or larger.
                assertThat(answer.faces()).allSatisfy(face -> {
                    assertThat(Math.max(face.box().width(), face.box().height()))
                            .isGreaterThanOrEqualTo(140);
                    assertThat(face.reason()).isNotEqualTo(Identification.TOO_SMALL);
                });

                // An LFW photo sent as aligned: its face, about 111 px, is under the 140 px minimum.
                Identification aligned = strict.identify(Files.readAllBytes(testPhotos.get(0)), 3, false, false);
                Identification.Face alignedFace = aligned.faces().get(0);
                assertThat(aligned.faces()).hasSize(1);
                assertThat(alignedFace.reason()).isEqualTo(Identification.TOO_SMALL);
                assertThat(alignedFace.person()).isNull();
                assertThat(alignedFace.candidates()).isNull();
            } finally {
                strict.destroy();
            }
        }
    }

    @Test
    void aPictureWithoutAFaceIsAnsweredWithNoFaces() throws IOException {
        Identification answer = service.identify(jpeg(background(new Random(13), 800, 600)), 3, false, true);

        assertNoFaceFound(answer);
    }

    private static void assertNoFaceFound(Identification answer) {
        assertThat(answer.faces()).isEmpty();
        assertThat(answer.reason()).isEqualTo(Identification.NO_FACE);
        assertThat(answer.known()).isFalse();
        assertThat(answer.person()).isEqualTo(Identification.UNKNOWN);
    }

    @Test
    void boxesOfAnExifRotatedPhotoAreInTheUprightPicture() throws IOException {
        BufferedImage upright = background(new Random(14), 480, 640);
        Identification.Box truth = paste(upright, 0, 140, 120, 300);
        // Stored turned 90 degrees anticlockwise, with EXIF orientation 6 (turn clockwise to view).
        BufferedImage stored = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 640; y++) {
            for (int x = 0; x < 480; x++) {
                stored.setRGB(y, 479 - x, upright.getRGB(x, y));
            }
        }
        Identification answer = service.identify(
                TestImages.insertAfterSoi(jpeg(stored), TestImages.orientationSegment(false, 6)), 3, false, true);

        assertThat(matching(answer, truth))
                .as("face at %s in %s", truth, answer.faces())
                .isNotNull();
    }

    @Test
    void aFaceAgainstThePictureEdgeIsCroppedWithRepeatedBorderPixels() throws IOException {
        BufferedImage picture = background(new Random(15), 640, 480);
        // The face's box starts 4 pixels from the left edge: its LFW frame reaches well past it.
        int faceSide = 150;
        double scale = faceSide / FRAMING.boxSide();
        Identification.Box truth = paste(picture, 1, faceSide, (int) Math.round(4 - FRAMING.boxX() * scale), 100);

        Identification answer = service.identify(jpeg(picture), 3, true, true);

        Identification.Face face = matching(answer, truth);
        assertThat(face).as("face at %s in %s", truth, answer.faces()).isNotNull();
        assertThat(face.box().x()).isGreaterThanOrEqualTo(0);
        assertThat(face.faceCrop()).startsWith("data:image/png;base64,");
    }

    @Test
    void detectFalseTakesTheCentredCropOfAnAlignedPhoto() throws IOException {
        Identification answer = service.identify(Files.readAllBytes(testPhotos.get(0)), 3, false, false);

        assertThat(answer.faces()).hasSize(1);
        assertThat(answer.faces().get(0).detectionScore()).isNull();
        // Where the detector's box sits in an LFW image, by median.
        int side = (int) Math.round(FRAMING.boxSide());
        assertThat(answer.faces().get(0).box())
                .isEqualTo(new Identification.Box(
                        (int) Math.round(FRAMING.boxX()), (int) Math.round(FRAMING.boxY()), side, side));
    }

    /** Issue #11's bad input: every photo gets a clear answer in bounded time (generous: a safety net, not a target). */
    @Test
    void aCollageOfAHundredFacesIdentifiesTheLargestAndListsTheRest() throws IOException {
        BufferedImage collage = background(new Random(21), 1970, 1970);
        for (int i = 0; i < 100; i++) {
            paste(collage, i % testPhotos.size(), 90, (i % 10) * 197, (i / 10) * 197);
        }
        long start = System.nanoTime();
        Identification answer = service.identify(jpeg(collage), 3, false, true);
        long millis = (System.nanoTime() - start) / 1_000_000;

        System.out.printf(
                "collage of 100 faces: %d found in %d ms%n", answer.faces().size(), millis);
        assertThat(millis).isLessThan(20_000);
        assertThat(answer.faces()).hasSizeGreaterThan(10);
        assertThat(answer.faces().stream().filter(face -> face.reason() == null))
                .hasSize(10);
        assertThat(answer.faces().subList(10, answer.faces().size()))
                .allSatisfy(face -> assertThat(face.reason()).isEqualTo(Identification.TOO_MANY));
    }

    @Test
    void aStripOfTenThousandByTenPixelsHasNoFace() throws IOException {
        BufferedImage strip = background(new Random(22), 10_000, 10);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(strip, "png", png);

        Identification answer = service.identify(png.toByteArray(), 3, false, true);

        assertNoFaceFound(answer);
    }

    @Test
    void aTwentyFourMegapixelPhotoIsSearchedAndItsFaceNamed() throws IOException {
        BufferedImage photo = background(new Random(23), 6000, 4000);
        Identification.Box truth = paste(photo, 2, 700, 2500, 1200);
        long start = System.nanoTime();
        Identification answer = service.identify(jpeg(photo), 3, false, true);
        long millis = (System.nanoTime() - start) / 1_000_000;

        System.out.printf("24 MP photo: %d ms%n", millis);
        assertThat(millis).isLessThan(20_000);
        // Decoded at half size, answered in the pixels of the photo as sent.
        Identification.Face face = matching(answer, truth);
        assertThat(face).as("the 700 px face in %s", answer.faces()).isNotNull();
        assertThat(face.candidates()).isNotEmpty();
    }
}
