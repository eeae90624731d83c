package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

import dev.visage.SyntheticLfw;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import dev.visage.store.StoredModel;
import dev.visage.serving.ModelNotReadyException;
import dev.visage.serving.RecordingModel;
import dev.visage.serving.TinyModels;

class IdentificationServiceTest {

    @TempDir
    Path storeDir;

    private ModelStore store;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Every model the service loaded, in order, as the store handed it out. */
    private final List<RecordingModel> loaded = new CopyOnWriteArrayList<>();
    private final List<IdentificationService> services = new ArrayList<>();

    @BeforeEach
    void spyOnTheStore() {
        store = spy(new ModelStore(storeDir, 5));
        doAnswer(invocation -> {
            RecordingModel model = new RecordingModel((StoredModel) invocation.callRealMethod());
            loaded.add(model);
            return model.stored();
        }).when(store).load(anyString());
    }

    @AfterEach
    void destroyServices() {
        services.forEach(IdentificationService::destroy);
    }

    private static IdentifyProperties properties(float minConfidence) {
        return new IdentifyProperties(minConfidence, 3, DataSize.ofMegabytes(10), 40_000_000L, 32, 1, 1024,
                Duration.ofSeconds(30));
    }

    private IdentificationService service(float minConfidence) {
        IdentificationService service = new IdentificationService(store, properties(minConfidence), meters);
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

        Identification answer = service.identify(photoOf(1, 1001), 3, false);

        assertThat(answer.person()).isIn(TinyModels.NAMES);
        assertThat(answer.known()).isTrue();
        assertThat(answer.modelVersion()).isEqualTo(stored.version());
        assertThat(answer.candidates()).hasSize(3);
        assertThat(answer.candidates()).extracting(Identification.Candidate::person)
                .containsExactlyInAnyOrderElementsOf(TinyModels.NAMES);
        assertThat(answer.candidates()).extracting(Identification.Candidate::probability)
                .isSortedAccordingTo(Collections.reverseOrder());
        assertThat(answer.candidates().get(0).person()).isEqualTo(answer.person());
        assertThat(answer.confidence()).isEqualTo(answer.candidates().get(0).probability());
        assertThat(answer.otherProbability()).isCloseTo(0f, within(1e-4f));
        assertThat(sum(answer)).isCloseTo(1f, within(1e-4f));
        assertThat(answer.timeMillis()).isPositive();
        assertThat(answer.faceCrop()).isNull();
    }

    @Test
    void recognisesTheSyntheticPeople() {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        // Photos the trained model recognises in memory are recognised the same once it has been stored and
        // loaded again, and the photos went through JPEG, the decoder and the crop of the stored manifest.
        for (int person = 0; person < TinyModels.PEOPLE; person++) {
            for (long seed = 0; seed < 3; seed++) {
                assertThat(service.identify(photoOf(person, TinyModels.RECOGNISED_SEED + seed), 1, false).person())
                        .as("person %d, photo %d", person, seed).isEqualTo(TinyModels.NAMES.get(person));
            }
        }
    }

    @Test
    void fewerCandidatesLeaveTheRestToOtherProbability() {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        Identification one = service.identify(photoOf(2, 7), 1, false);

        assertThat(one.candidates()).hasSize(1);
        assertThat(one.otherProbability()).isCloseTo(1 - one.confidence(), within(1e-4f));
        assertThat(sum(one)).isCloseTo(1f, within(1e-4f));
    }

    @Test
    void capsTopToTheNumberOfPeople() {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        Identification answer = service.identify(photoOf(0, 8), 1000, false);

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
        float confidence = service(0f).identify(nobody(), 3, false).confidence();
        assertThat(confidence).as("precondition: the model is not certain about a blank photo").isLessThan(1f);
        IdentificationService service = service(1.0f);

        Identification answer = service.identify(nobody(), 3, false);

        assertThat(answer.confidence()).isEqualTo(confidence);
        assertThat(answer.person()).isEqualTo(Identification.UNKNOWN).isEqualTo("unknown");
        assertThat(answer.known()).isFalse();
        // The candidates are still given, so a client can see who came closest.
        assertThat(answer.candidates()).hasSize(3);
        assertThat(answer.candidates().get(0).probability()).isEqualTo(confidence);
        assertThat(sum(answer)).isCloseTo(1f, within(1e-4f));
    }

    @Test
    void theMinimumConfidenceIsInclusive() {
        TinyModels.storeInto(store);
        float confidence = service(0f).identify(nobody(), 3, false).confidence();

        Identification answer = service(confidence).identify(nobody(), 3, false);

        assertThat(answer.known()).isTrue();
        assertThat(answer.person()).isIn(TinyModels.NAMES);
    }

    @Test
    void returnsTheCropTheModelSawAsPngDataUrl() throws Exception {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        Identification answer = service.identify(photoOf(1, 10), 3, true);

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
                TestImages.encode(TestImages.solid(250, 250, BufferedImage.TYPE_INT_RGB, colour), "png"), 1, true);

        byte[] png = Base64.getDecoder().decode(answer.faceCrop().substring("data:image/png;base64,".length()));
        BufferedImage crop = ImageIO.read(new ByteArrayInputStream(png));
        for (int[] at : new int[][] {{0, 0}, {31, 31}, {63, 63}, {10, 50}}) {
            assertThat(crop.getRGB(at[0], at[1]) & 0xffffff).isEqualTo(colour);
        }
    }

    @Test
    void refusesRequestsBeforeAnyModelWithRetryAfter() {
        IdentificationService service = service(0.5f);

        assertThat(service.currentModel()).isEmpty();
        ModelNotReadyException notReady = catchThrowableOfType(ModelNotReadyException.class,
                () -> service.identify(photoOf(0, 1), 3, false));

        assertThat(notReady).isNotNull();
        assertThat(notReady.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(notReady.getHeaders().getFirst("Retry-After")).isEqualTo("30");
        assertThat(notReady.getBody().getDetail()).contains("No model is loaded yet");
    }

    @Test
    void servesTheFirstModelOnceItIsStored() {
        IdentificationService service = service(0f);
        assertThat(service.currentModel()).isEmpty();

        ModelManifest stored = TinyModels.storeInto(store);
        service.serve(stored.version());

        assertThat(service.currentModel()).hasValueSatisfying(m -> {
            assertThat(m.version()).isEqualTo(stored.version());
            assertThat(m.people()).isEqualTo(TinyModels.NAMES);
        });
        assertThat(service.identify(photoOf(0, 2), 3, false).modelVersion()).isEqualTo(stored.version());
    }

    @Test
    void servesTheStoresCurrentVersionOnStart() {
        TinyModels.storeInto(store);
        ModelManifest current = TinyModels.storeInto(store);

        IdentificationService service = service(0f);

        assertThat(service.currentModel()).map(ModelManifest::version).hasValue(current.version());
    }

    @Test
    void decodingErrorsPassThroughWithTheirStatus() {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);

        ImageRejectedException rejected = catchThrowableOfType(ImageRejectedException.class,
                () -> service.identify("not an image".getBytes(), 3, false));
        ImageRejectedException bomb = catchThrowableOfType(ImageRejectedException.class,
                () -> service.identify(TestImages.pngHeaderBomb(30_000, 30_000), 3, false));

        assertThat(rejected.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(bomb.getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
    }

    @Test
    void timesEveryRequestByOutcome() {
        TinyModels.storeInto(store);
        IdentificationService sure = service(0f);
        IdentificationService doubtful = service(1.0f);

        sure.identify(photoOf(0, 11), 3, false);
        sure.identify(photoOf(1, 12), 3, false);
        doubtful.identify(nobody(), 3, false);
        assertThatThrownBy(() -> sure.identify(new byte[0], 3, false)).isInstanceOf(ImageRejectedException.class);

        assertThat(meters.get("visage.identify").tag("outcome", "identified").timer().count()).isEqualTo(2);
        assertThat(meters.get("visage.identify").tag("outcome", "unknown").timer().count()).isEqualTo(1);
        assertThat(meters.get("visage.identify").tag("outcome", "rejected").timer().count()).isEqualTo(1);
        assertThat(meters.get("visage.identify").tag("outcome", "identified").timer()
                .totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void timesRequestsWithoutAModelAsUnavailableNotRejected() {
        IdentificationService empty = service(0f);

        assertThatThrownBy(() -> empty.identify(photoOf(0, 11), 3, false))
                .isInstanceOf(ModelNotReadyException.class);

        assertThat(meters.get("visage.identify").tag("outcome", "unavailable").timer().count()).isEqualTo(1);
        assertThat(meters.get("visage.identify").tag("outcome", "rejected").timer().count()).isZero();
    }

    @Test
    void concurrentRequestsShareForwardPasses() throws Exception {
        TinyModels.storeInto(store);
        IdentificationService service = service(0f);
        RecordingModel model = loaded.get(0);
        int total = 64;
        byte[][] photos = new byte[total][];
        for (int i = 0; i < total; i++) {
            photos[i] = photoOf(i % TinyModels.PEOPLE, 400 + i);
        }
        List<Thread> clientThreads = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(total, task -> {
            Thread thread = new Thread(task);
            clientThreads.add(thread);
            return thread;
        });

        // Hold the first forward pass, so that the other 63 requests queue up behind it.
        model.hold();
        List<Future<Identification>> answers = new ArrayList<>();
        try {
            answers.add(clients.submit(() -> service.identify(photos[0], 3, false)));
            model.awaitFirstPass();
            for (int i = 1; i < total; i++) {
                byte[] photo = photos[i];
                answers.add(clients.submit(() -> service.identify(photo, 3, false)));
            }
            // A request waits for its answer in IdentificationService.await once it is queued for a pass.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (waitingForAnswers(clientThreads) < total && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(waitingForAnswers(clientThreads)).isEqualTo(total);
            model.release();
            for (Future<Identification> answer : answers) {
                Identification identification = answer.get(30, TimeUnit.SECONDS);
                assertThat(identification.person()).isIn(TinyModels.NAMES);
                assertThat(sum(identification)).isCloseTo(1f, within(1e-4f));
            }
        } finally {
            model.release();
            clients.shutdown();
        }

        // The held pass ran alone; the 63 requests queued behind it went in two full passes.
        assertThat(model.batchSizes()).containsExactly(1, 32, 31);
    }

    private static long waitingForAnswers(List<Thread> threads) {
        return threads.stream().filter(thread -> Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(IdentificationService.class.getName())
                        && frame.getMethodName().equals("await")))
                .count();
    }

    @Test
    void swapsModelsUnderLoadWithoutFailingARequest() throws Exception {
        ModelManifest first = TinyModels.storeInto(store);
        ModelManifest second = TinyModels.storeInto(store);
        IdentificationService service = service(0f);
        assertThat(service.currentModel()).map(ModelManifest::version).hasValue(second.version());

        int threads = 8;
        int calls = 50;
        int swaps = 6;
        AtomicInteger completed = new AtomicInteger();
        CountDownLatch swapped = new CountDownLatch(1);
        Set<String> versions = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        byte[][] photos = new byte[threads][];
        for (int t = 0; t < threads; t++) {
            photos[t] = photoOf(t % TinyModels.PEOPLE, 600 + t);
        }

        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte[] photo = photos[t];
                clients.add(pool.submit(() -> {
                    // At least `calls` calls, and the last few after all swaps, so the swapper never waits in vain.
                    int made = 0;
                    int afterSwaps = 0;
                    while (made < calls || afterSwaps < 3) {
                        boolean swapsDone = swapped.getCount() == 0;
                        try {
                            versions.add(service.identify(photo, 3, false).modelVersion());
                        } catch (RuntimeException e) {
                            errors.add(e);
                        }
                        made++;
                        afterSwaps += swapsDone ? 1 : 0;
                        completed.incrementAndGet();
                    }
                    return null;
                }));
            }
            Future<?> swapper = pool.submit(() -> {
                // Swap while clients are mid-way. After each swap, wait for 2 answers per client: at most one
                // per client was already in flight, so the others were answered by the model just swapped in.
                int next = 40;
                for (int s = 1; s <= swaps; s++) {
                    while (completed.get() < next) {
                        Thread.sleep(1);
                    }
                    service.serve(s % 2 == 1 ? first.version() : second.version());
                    next = completed.get() + 2 * threads;
                }
                swapped.countDown();
                return null;
            });
            swapper.get(120, TimeUnit.SECONDS);
            for (Future<?> client : clients) {
                client.get(120, TimeUnit.SECONDS);
            }
        } finally {
            swapped.countDown();
            pool.shutdownNow();
        }

        assertThat(errors).isEmpty();
        assertThat(completed.get()).isGreaterThanOrEqualTo(threads * calls);
        assertThat(versions).containsExactlyInAnyOrder(first.version(), second.version());
        assertThat(service.currentModel()).map(ModelManifest::version).hasValue(second.version());

        // One load at start plus one per swap; every replaced model was closed, only the serving one is open.
        assertThat(loaded).hasSize(1 + swaps);
        for (RecordingModel replaced : loaded.subList(0, loaded.size() - 1)) {
            assertThat(replaced.realModel().getNDManager().isOpen()).isFalse();
        }
        RecordingModel serving = loaded.get(loaded.size() - 1);
        assertThat(serving.realModel().getNDManager().isOpen()).isTrue();

        service.destroy();
        services.remove(service);
        assertThat(serving.realModel().getNDManager().isOpen()).as("closed with the service").isFalse();
    }

    @Test
    void aReplacedModelStaysOpenUntilItsLastRequestEnds() throws Exception {
        ModelManifest first = TinyModels.storeInto(store);
        ModelManifest second = TinyModels.storeInto(store);
        IdentificationService service = service(0f);
        RecordingModel old = loaded.get(0);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            old.hold();
            Future<Identification> inFlight = client.submit(() -> service.identify(photoOf(0, 21), 3, false));
            old.awaitFirstPass();

            service.serve(first.version());

            assertThat(service.currentModel()).map(ModelManifest::version).hasValue(first.version());
            assertThat(old.realModel().getNDManager().isOpen()).as("open while a request uses it").isTrue();
            old.release();
            assertThat(inFlight.get(30, TimeUnit.SECONDS).modelVersion()).isEqualTo(second.version());
            assertThat(old.realModel().getNDManager().isOpen()).as("closed after its last request").isFalse();
            assertThat(service.identify(photoOf(0, 22), 3, false).modelVersion()).isEqualTo(first.version());
        } finally {
            old.release();
            client.shutdown();
        }
    }

    private static float sum(Identification answer) {
        float sum = answer.otherProbability();
        for (Identification.Candidate candidate : answer.candidates()) {
            sum += candidate.probability();
        }
        return sum;
    }
}
