package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.visage.SyntheticLfw;
import dev.visage.face.FaceDetector;
import dev.visage.face.TestDetectorSettings;
import dev.visage.serving.CurrentModel;
import dev.visage.serving.CurrentModels;
import dev.visage.serving.ModelNotReadyException;
import dev.visage.serving.RecordingModel;
import dev.visage.serving.ServingModel;
import dev.visage.serving.TinyModels;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Answering: a really trained tiny model (see {@link TinyModels}) behind the real {@link CurrentModel}, with uploads
 * that go through encoding, the decoder, the stored crop and the batching worker. Which model serves and how models
 * are swapped is {@code CurrentModelTest}'s; how errors become HTTP problems is {@code IdentifyControllerTest}'s.
 */
class IdentificationServiceTest {

    /**
     * Detection is off in these tests (they send aligned synthetic crops); the service still needs a detector, and
     * its smallest face lets the small crops' faces be identified.
     */
    private static final FaceDetector DETECTOR =
            new FaceDetector(TestDetectorSettings.changing().minFaceSize(36).build());

    /** Held-out photos per person in the recognition test, and how many of them a real tiny model names. */
    private static final int HELD_OUT_PER_PERSON = 20;

    private static final int MIN_RECOGNISED = 16;

    @TempDir
    Path storeDir;

    private ModelStore store;
    private CurrentModel currentModel;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Every model the store loaded, in order. */
    private final List<RecordingModel> loaded = new CopyOnWriteArrayList<>();

    private final List<IdentificationService> services = new ArrayList<>();

    @BeforeEach
    void recordLoads() {
        store = RecordingModel.recordingLoads(new ModelStore(storeDir, 5), loaded);
    }

    @AfterEach
    void destroyServices() {
        services.forEach(IdentificationService::destroy);
        if (currentModel != null) {
            currentModel.destroy();
        }
    }

    private MemoryBudget decodeBudget = new MemoryBudget(Long.MAX_VALUE);

    /** @param minConfidence the operator's override of the model's threshold; null to serve the model's own */
    private IdentificationService service(Float minConfidence) {
        return service(properties(minConfidence, Duration.ofSeconds(30)));
    }

    /** The settings of these tests, with the threshold override and the longest wait for a forward pass. */
    private static IdentifyProperties properties(Float minConfidence, Duration timeout) {
        return new IdentifyProperties(
                minConfidence, 3, DataSize.ofMegabytes(10), 40_000_000L, 10, 32, 1, 0, 1024, timeout, Duration.ZERO);
    }

    /** A service over the model in service, which starts (with the store's current version) on first use. */
    private IdentificationService service(IdentifyProperties properties) {
        if (currentModel == null) {
            currentModel = CurrentModels.over(store);
        }
        IdentificationService service =
                new IdentificationService(currentModel, properties, DETECTOR, meters, decodeBudget, EnrolledFaces.NONE);
        services.add(service);
        return service;
    }

    private static byte[] photoOf(int person, long seed) {
        return TestImages.encode(SyntheticLfw.image(person, new Random(seed)), "jpg");
    }

    @Test
    void identifiesOneOfTheModelsPeople() {
        ModelManifest stored = TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        Identification answer = service.identify(photoOf(1, 1001), 3, false, false);

        assertThat(answer.person()).isIn(TinyModels.NAMES);
        assertThat(answer.known()).isTrue();
        assertThat(answer.modelVersion()).isEqualTo(stored.version());
        assertThat(answer.candidates()).hasSize(3);
        assertThat(answer.candidates())
                .extracting(Identification.Candidate::person)
                .containsExactlyInAnyOrderElementsOf(TinyModels.NAMES);
        assertThat(answer.candidates())
                .extracting(Identification.Candidate::probability)
                .isSortedAccordingTo(Collections.reverseOrder());
        assertThat(answer.candidates().get(0).person()).isEqualTo(answer.person());
        assertThat(answer.confidence()).isEqualTo(answer.candidates().get(0).probability());
        assertThat(answer.otherProbability()).isCloseTo(0f, within(1e-4f));
        assertThat(sum(answer)).isCloseTo(1f, within(1e-4f));
        assertThat(answer.timeMillis()).isPositive();
        assertThat(answer.faceCrop()).isNull();
    }

    @Test
    void recognisesHeldOutPhotosOfEachPerson() {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        // Photos that neither training nor anything else ever looked at, through JPEG, the decoder, the stored
        // crop and normalisation and the stored weights and people order. A real tiny model names nearly all of
        // them (see TinyModels); a pipeline that differs from training's (channels, crop, normalisation, class
        // order, weights) misses most photos of at least one person.
        Map<String, Integer> recognised = new LinkedHashMap<>();
        for (int person = 0; person < TinyModels.PEOPLE; person++) {
            int right = 0;
            for (int k = 0; k < HELD_OUT_PER_PERSON; k++) {
                long seed = TinyModels.HELD_OUT_SEED + person * HELD_OUT_PER_PERSON + k;
                right += service.identify(photoOf(person, seed), 1, false, false)
                                .person()
                                .equals(TinyModels.NAMES.get(person))
                        ? 1
                        : 0;
            }
            recognised.put(TinyModels.NAMES.get(person), right);
        }

        recognised.forEach((person, right) -> assertThat(right)
                .as(
                        "held-out photos of %s named right, of %d (all people: %s)",
                        person, HELD_OUT_PER_PERSON, recognised)
                .isGreaterThanOrEqualTo(MIN_RECOGNISED));
    }

    @Test
    void fewerCandidatesLeaveTheRestToOtherProbability() {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        Identification one = service.identify(photoOf(2, 7), 1, false, false);

        assertThat(one.candidates()).hasSize(1);
        assertThat(one.otherProbability()).isCloseTo(1 - one.confidence(), within(1e-4f));
        assertThat(sum(one)).isCloseTo(1f, within(1e-4f));
    }

    @Test
    void capsTopToTheNumberOfPeople() {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        Identification answer = service.identify(photoOf(0, 8), 1000, false, false);

        assertThat(answer.candidates()).hasSize(TinyModels.PEOPLE);
        assertThat(sum(answer)).isCloseTo(1f, within(1e-4f));
    }

    /** A photo with none of the people's patterns: the model is unsure about it. */
    private static byte[] nobody() {
        return TestImages.encode(TestImages.solid(250, 250, BufferedImage.TYPE_INT_RGB, 0x7f7f7f), "png");
    }

    @Test
    void answersUnknownBelowTheMinimumConfidence() {
        TinyModels.storeInto(store);
        float confidence = service(0f).identify(nobody(), 3, false, false).confidence();
        assertThat(confidence)
                .as("precondition: the model is not certain about a blank photo")
                .isLessThan(1f);
        IdentificationService service = service(1.0f);

        Identification answer = service.identify(nobody(), 3, false, false);

        assertThat(answer.confidence()).isEqualTo(confidence);
        assertThat(answer.person()).isEqualTo(Identification.UNKNOWN).isEqualTo("unknown");
        assertThat(answer.known()).isFalse();
        // The candidates are still given, so a client can see who came closest.
        assertThat(answer.candidates()).hasSize(3);
        assertThat(answer.candidates().get(0).probability()).isEqualTo(confidence);
        assertThat(sum(answer)).isCloseTo(1f, within(1e-4f));
    }

    @Test
    void servesTheModelsCalibratedThresholdUnlessTheOperatorOverridesIt() {
        TinyModels.storeInto(store, 1.0f);

        Identification calibrated = service((Float) null).identify(nobody(), 3, false, false);
        Identification overridden = service(0f).identify(nobody(), 3, false, false);

        assertThat(calibrated.confidence())
                .as("precondition: the model is not certain about a blank photo")
                .isLessThan(1f)
                .isEqualTo(overridden.confidence());
        assertThat(calibrated.known()).isFalse();
        assertThat(overridden.known()).isTrue();
    }

    @Test
    void aModelWithoutACalibratedThresholdIsServedWithTheFormerDefault() {
        TinyModels.storeInto(store);
        service((Float) null);

        ServingModel served = currentModel.acquire();
        try {
            assertThat(served.minConfidence(null)).isEqualTo(ServingModel.UNCALIBRATED_MIN_CONFIDENCE);
        } finally {
            served.release();
        }
    }

    @Test
    void theMinimumConfidenceIsInclusive() {
        TinyModels.storeInto(store);
        float confidence = service(0f).identify(nobody(), 3, false, false).confidence();

        Identification answer = service(confidence).identify(nobody(), 3, false, false);

        assertThat(answer.known()).isTrue();
        assertThat(answer.person()).isIn(TinyModels.NAMES);
    }

    @Test
    void returnsTheCropTheModelSawAsPngDataUrl() throws Exception {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        Identification answer = service.identify(photoOf(1, 10), 3, true, false);

        assertThat(answer.faceCrop()).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(answer.faceCrop().substring("data:image/png;base64,".length()));
        BufferedImage crop = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(crop.getWidth()).isEqualTo(TinyModels.IMAGE_SIZE);
        assertThat(crop.getHeight()).isEqualTo(TinyModels.IMAGE_SIZE);
    }

    @Test
    void theCropShowsTheUploadedPixels() throws Exception {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);
        int colour = 0xc86432;

        Identification answer = service.identify(
                TestImages.encode(TestImages.solid(250, 250, BufferedImage.TYPE_INT_RGB, colour), "png"),
                1,
                true,
                false);

        byte[] png = Base64.getDecoder().decode(answer.faceCrop().substring("data:image/png;base64,".length()));
        BufferedImage crop = ImageIO.read(new ByteArrayInputStream(png));
        for (int[] at : new int[][] {{0, 0}, {31, 31}, {63, 63}, {10, 50}}) {
            assertThat(crop.getRGB(at[0], at[1]) & 0xffffff).isEqualTo(colour);
        }
    }

    @Test
    void refusesRequestsBeforeAnyModel() {
        IdentificationService service = service(0.5f);

        assertThatThrownBy(() -> service.identify(photoOf(0, 1), 3, false, false))
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("No model is loaded yet");
    }

    @Test
    void answersWithTheModelInServiceAndReleasesIt() {
        ModelManifest first = TinyModels.storeInto(store);
        ModelManifest second = TinyModels.storeInto(store);
        IdentificationService service = service(0f);
        assertThat(service.identify(photoOf(0, 2), 3, false, false).modelVersion())
                .isEqualTo(second.version());

        CurrentModels.serve(currentModel, store, first.version());

        assertThat(service.identify(photoOf(0, 3), 3, false, false).modelVersion())
                .isEqualTo(first.version());
        // The request on the replaced model released it, so it closed when it was swapped out.
        assertThat(loaded.get(0).realModel().getNDManager().isOpen()).isFalse();
    }

    @Test
    void aRequestThatTimedOutCostsNoForwardPassAndItsModelClosesOnlyAfterItsLastPass() throws Exception {
        ModelManifest first = TinyModels.storeInto(store);
        TinyModels.storeInto(store);
        IdentificationService service = service(properties(0f, Duration.ofMillis(300)));
        RecordingModel model = loaded.get(0);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            model.hold();
            Future<Identification> inPass = clients.submit(() -> service.identify(photoOf(0, 1), 3, false, false));
            model.awaitFirstPass();
            Future<Identification> queued = clients.submit(() -> service.identify(photoOf(1, 2), 3, false, false));
            // Both give up waiting (503): one while its pass is held, the other still in the queue behind it.
            for (Future<Identification> request : List.of(inPass, queued)) {
                assertThatThrownBy(() -> request.get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(ServiceBusyException.class);
            }

            CurrentModels.serve(currentModel, store, first.version());

            assertThat(model.isOpen())
                    .as("swapped out, it stays open while a pass and a queued request hold it")
                    .isTrue();
            model.release();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (model.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            model.release();
            clients.shutdown();
        }

        assertThat(model.isOpen()).as("closed once the worker is done with it").isFalse();
        assertThat(model.batchSizes())
                .as("the pass held runs; the request that timed out in the queue is skipped")
                .containsExactly(1);
        assertThat(model.passesWhenClosed()).isZero();
        assertThat(service.identify(photoOf(2, 3), 3, false, false).modelVersion())
                .isEqualTo(first.version());
    }

    @Test
    void decodingErrorsPassThroughWithTheirReason() {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        ImageRejectedException rejected = catchThrowableOfType(
                ImageRejectedException.class, () -> service.identify("not an image".getBytes(), 3, false, false));
        ImageRejectedException bomb = catchThrowableOfType(
                ImageRejectedException.class,
                () -> service.identify(TestImages.pngHeaderBomb(30_000, 30_000), 3, false, false));
        ImageRejectedException missing =
                catchThrowableOfType(ImageRejectedException.class, () -> service.identify(null, 3, false, false));

        assertThat(rejected.problem().type()).isEqualTo("unreadable-image");
        assertThat(bomb.problem().type()).isEqualTo("image-too-large");
        assertThat(missing.problem().type()).isEqualTo("missing-image");
        assertThat(loaded.get(0).batchSizes())
                .as("no forward pass for refused uploads")
                .isEmpty();
    }

    @Test
    void decodesWithinTheDecodingBudgetAndGivesItBack() {
        TinyModels.storeInto(store);
        byte[] photo = photoOf(0, 21);
        long cost = new FaceImageDecoder(40_000_000L).inspect(photo).decodeBytes();
        decodeBudget = new MemoryBudget("decoding", cost);
        IdentificationService service = service(0f);

        assertThat(service.identify(photo, 3, false, false).faces()).hasSize(1);
        assertThat(decodeBudget.inUse()).as("given back after the answer").isZero();
        try (MemoryBudget.Permit other = decodeBudget.acquire(1)) {
            assertThatThrownBy(() -> service.identify(photo, 3, false, false))
                    .as("the budget is partly held by another request")
                    .isInstanceOf(ServiceBusyException.class);
        }
        assertThat(decodeBudget.inUse()).isZero();

        decodeBudget = new MemoryBudget("decoding", cost - 1);
        ImageRejectedException tooLarge = catchThrowableOfType(
                ImageRejectedException.class, () -> service(0f).identify(photo, 3, false, false));
        assertThat(tooLarge.problem().type()).as("more than the whole budget").isEqualTo("image-too-large");
    }

    @Test
    void timesEveryRequestByOutcome() {
        TinyModels.storeInto(store);
        IdentificationService sure = service(0f);
        IdentificationService doubtful = service(1.0f);

        sure.identify(photoOf(0, 11), 3, false, false);
        sure.identify(photoOf(1, 12), 3, false, false);
        doubtful.identify(nobody(), 3, false, false);
        assertThatThrownBy(() -> sure.identify(new byte[0], 3, false, false))
                .isInstanceOf(ImageRejectedException.class);

        assertThat(timed("identified")).isEqualTo(2);
        assertThat(timed("unknown")).isEqualTo(1);
        assertThat(timed("rejected")).isEqualTo(1);
        assertThat(meters.get("visage.identify")
                        .tag("outcome", "identified")
                        .timer()
                        .totalTime(TimeUnit.NANOSECONDS))
                .isPositive();
    }

    /** How many requests the {@code visage.identify} timer counted with this outcome. */
    private long timed(String outcome) {
        return meters.get("visage.identify").tag("outcome", outcome).timer().count();
    }

    @Test
    void timesRequestsWithoutAModelAsUnavailableNotRejected() {
        IdentificationService empty = service(0f);

        assertThatThrownBy(() -> empty.identify(photoOf(0, 11), 3, false, false))
                .isInstanceOf(ModelNotReadyException.class);

        assertThat(timed("unavailable")).isEqualTo(1);
        assertThat(timed("rejected")).isZero();
    }

    @Test
    void concurrentRequestsShareForwardPassesUpToTheBatchSizeAndQueueCapacity() throws Exception {
        ModelManifest first = TinyModels.storeInto(store);
        TinyModels.storeInto(store);
        int maxBatchSize = 16;
        int queueCapacity = 40;
        // A wait for an answer far longer than the test's own waits: a request still waiting at the end was queued.
        IdentificationService service = service(new IdentifyProperties(
                0f,
                3,
                DataSize.ofMegabytes(10),
                40_000_000L,
                10,
                maxBatchSize,
                1,
                0,
                queueCapacity,
                Duration.ofMinutes(10),
                Duration.ZERO));
        RecordingModel model = loaded.get(0);
        int total = 64;
        int refusals = total - 1 - queueCapacity;
        byte[][] photos = new byte[total][];
        for (int i = 0; i < total; i++) {
            photos[i] = photoOf(i % TinyModels.PEOPLE, 400 + i);
        }
        CountDownLatch refused = new CountDownLatch(refusals);
        ExecutorService clients = Executors.newFixedThreadPool(total);
        List<Future<Identification>> answers = new ArrayList<>();
        try {
            // Hold the first forward pass: the worker takes nothing more from its queue until it is released.
            model.hold();
            answers.add(clients.submit(() -> service.identify(photos[0], 3, false, false)));
            model.awaitFirstPass();
            for (int i = 1; i < total; i++) {
                byte[] photo = photos[i];
                answers.add(clients.submit(() -> {
                    try {
                        return service.identify(photo, 3, false, false);
                    } catch (ServiceBusyException busy) {
                        refused.countDown();
                        return null;
                    }
                }));
            }
            // The queue fills up to its capacity and every request beyond it is refused at once. Once all those
            // refusals came back, each of the 63 requests is either refused or waiting in the full queue.
            assertThat(refused.await(30, TimeUnit.SECONDS))
                    .as("%d requests refused", refusals)
                    .isTrue();
            assertThat(timed("identified"))
                    .as("nothing answered while the first pass is held")
                    .isZero();
            model.release();
            int answered = 0;
            for (Future<Identification> answer : answers) {
                Identification identification = answer.get(30, TimeUnit.SECONDS);
                if (identification != null) {
                    answered++;
                    assertThat(identification.person()).isIn(TinyModels.NAMES);
                    assertThat(sum(identification)).isCloseTo(1f, within(1e-4f));
                }
            }
            assertThat(answered).isEqualTo(1 + queueCapacity);
        } finally {
            model.release();
            clients.shutdown();
        }

        // The held pass ran alone; the 40 requests queued behind it went in passes of at most 16.
        assertThat(model.batchSizes()).containsExactly(1, maxBatchSize, maxBatchSize, queueCapacity - 2 * maxBatchSize);
        assertThat(timed("identified")).isEqualTo(1 + queueCapacity);
        assertThat(timed("unavailable")).isEqualTo(refusals);
        // Every request, refused or answered, released the model: swapped out, it closes at once.
        CurrentModels.serve(currentModel, store, first.version());
        assertThat(model.realModel().getNDManager().isOpen()).isFalse();
    }

    private static float sum(Identification answer) {
        float sum = answer.otherProbability();
        for (Identification.Candidate candidate : answer.candidates()) {
            sum += candidate.probability();
        }
        return sum;
    }
}
