package dev.visage.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.inference.Predictor;
import dev.visage.SyntheticLfw;
import dev.visage.face.FaceCrop;
import dev.visage.face.TestCrops;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingWorkerTest {

    private static final int MAX_BATCH = 32;

    @TempDir
    static Path storeDir;

    private static ModelStore store;
    private static ModelManifest manifest;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void storeTinyModel() {
        store = new ModelStore(storeDir, 5);
        manifest = TinyModels.storeInto(store);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private RecordingModel load() {
        RecordingModel model = new RecordingModel(store.load(manifest.version()));
        toClose.add(() -> model.stored().close());
        return model;
    }

    private BatchingWorker worker(int maxBatchSize, int queueCapacity) {
        BatchingWorker worker = new BatchingWorker(maxBatchSize, queueCapacity, () -> {});
        toClose.add(worker);
        return worker;
    }

    /** The network input for a synthetic photo of {@code person}, drawn with {@code seed}. */
    private static float[] face(int person, long seed) {
        FaceCrop crop = manifest.preprocessing().crop();
        float[] face = new float[crop.pixelCount(0)];
        TestCrops.centred(crop, SyntheticLfw.image(person, new Random(seed)), 0, face, 0);
        return face;
    }

    /** What the model answers for one face on its own, through a predictor of its own. */
    private static float[] alone(RecordingModel model, float[] face) throws Exception {
        try (Predictor<float[][], float[][]> predictor = model.realModel()
                .newPredictor(new FaceBatchTranslator(
                        manifest.preprocessing(), manifest.people().size()))) {
            return predictor.predict(new float[][] {face})[0];
        }
    }

    private static float[] get(CompletableFuture<float[]> result) throws Exception {
        return result.get(30, TimeUnit.SECONDS);
    }

    @Test
    void runsASingleRequestAtOnce() throws Exception {
        RecordingModel model = load();
        ServingModel serving = new ServingModel(model.stored());
        BatchingWorker worker = worker(MAX_BATCH, 16);

        float[] probabilities = get(submitOne(worker, serving, face(0, 1)));

        assertThat(probabilities).hasSize(TinyModels.PEOPLE);
        float sum = 0;
        for (float p : probabilities) {
            assertThat(p).isBetween(0f, 1f);
            sum += p;
        }
        assertThat(sum).isCloseTo(1f, within(1e-5f));
        assertThat(model.batchSizes()).containsExactly(1);
    }

    @Test
    void runsTheThreadSetupOnTheWorkerThreadBeforeTheFirstPass() throws Exception {
        RecordingModel model = load();
        ServingModel serving = new ServingModel(model.stored());
        List<String> setUpOn = new ArrayList<>();
        BatchingWorker worker = new BatchingWorker(MAX_BATCH, 16, () -> {
            setUpOn.add(Thread.currentThread().getName());
            assertThat(model.batchSizes()).isEmpty();
        });
        toClose.add(worker);

        get(submitOne(worker, serving, face(0, 1)));

        assertThat(setUpOn).containsExactly("visage-inference");
        assertThat(model.batchSizes()).containsExactly(1);
    }

    @Test
    void batchesTheRequestsThatWaitedForAPass() throws Exception {
        RecordingModel model = load();
        ServingModel serving = new ServingModel(model.stored());
        BatchingWorker worker = worker(MAX_BATCH, 128);
        int total = 64;
        float[][] faces = new float[total][];
        for (int i = 0; i < total; i++) {
            faces[i] = face(i % TinyModels.PEOPLE, 100 + i);
        }
        List<CompletableFuture<float[]>> results = new ArrayList<>();

        model.hold();
        results.add(submitOne(worker, serving, faces[0]));
        model.awaitFirstPass();
        // While the first pass runs, 63 requests arrive from 8 threads.
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<CompletableFuture<float[]>>> submitted = new ArrayList<>();
            for (int i = 1; i < total; i++) {
                float[] face = faces[i];
                submitted.add(clients.submit(() -> submitOne(worker, serving, face)));
            }
            for (Future<CompletableFuture<float[]>> future : submitted) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdown();
        }
        model.release();

        for (int i = 0; i < total; i++) {
            assertThat(get(results.get(i))).as("request %d", i).containsExactly(alone(model, faces[i]), within(1e-4f));
        }
        // The first pass ran alone; the 63 that queued behind it went in full batches, not one by one.
        assertThat(model.batchSizes()).containsExactly(1, MAX_BATCH, total - 1 - MAX_BATCH);
    }

    @Test
    void aBatchHoldsAtMostMaxBatchSizeFaces() throws Exception {
        RecordingModel model = load();
        ServingModel serving = new ServingModel(model.stored());
        BatchingWorker worker = worker(MAX_BATCH, 16);
        List<CompletableFuture<float[][]>> results = new ArrayList<>();

        model.hold();
        results.add(worker.submit(serving, new float[][] {face(0, 1)}));
        model.awaitFirstPass();
        // Behind the first pass: ten photos of ten faces each, then one of more faces than a batch holds.
        for (int photo = 0; photo < 10; photo++) {
            float[][] faces = new float[10][];
            for (int i = 0; i < faces.length; i++) {
                faces[i] = face(i % TinyModels.PEOPLE, 1_000 + 10L * photo + i);
            }
            results.add(worker.submit(serving, faces));
        }
        float[][] crowd = new float[MAX_BATCH + 3][];
        for (int i = 0; i < crowd.length; i++) {
            crowd[i] = face(i % TinyModels.PEOPLE, 2_000 + i);
        }
        results.add(worker.submit(serving, crowd));
        model.release();

        for (CompletableFuture<float[][]> result : results) {
            assertThat(result.get(30, TimeUnit.SECONDS)).isNotEmpty();
        }
        assertThat(results.get(results.size() - 1).get()).hasDimensions(MAX_BATCH + 3, TinyModels.PEOPLE);
        assertThat(model.batchSizes()).containsExactly(1, 30, 30, 30, 10, MAX_BATCH + 3);
    }

    @Test
    void refusesRequestsBeyondTheQueueCapacity() throws Exception {
        RecordingModel model = load();
        ServingModel serving = new ServingModel(model.stored());
        BatchingWorker worker = worker(MAX_BATCH, 4);

        model.hold();
        CompletableFuture<float[]> running = submitOne(worker, serving, face(0, 1));
        model.awaitFirstPass();
        List<CompletableFuture<float[]>> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queued.add(submitOne(worker, serving, face(1, 10 + i)));
        }
        CompletableFuture<float[]> overflow = submitOne(worker, serving, face(2, 20));

        assertThat(overflow).isCompletedExceptionally();
        assertThat(causeOf(overflow)).isInstanceOf(BatchingWorker.OverloadedException.class);
        assertThat(queued).noneMatch(CompletableFuture::isDone);

        model.release();
        assertThat(get(running)).hasSize(TinyModels.PEOPLE);
        for (CompletableFuture<float[]> result : queued) {
            assertThat(get(result)).hasSize(TinyModels.PEOPLE);
        }
        assertThat(model.batchSizes()).containsExactly(1, 4);
    }

    @Test
    void runsOnePassPerModelWhenABatchMixesModels() throws Exception {
        RecordingModel first = load();
        RecordingModel second = load();
        ServingModel a = new ServingModel(first.stored());
        ServingModel b = new ServingModel(second.stored());
        BatchingWorker worker = worker(MAX_BATCH, 64);

        first.hold();
        CompletableFuture<float[]> head = submitOne(worker, a, face(0, 1));
        first.awaitFirstPass();
        List<float[]> facesA = new ArrayList<>();
        List<float[]> facesB = new ArrayList<>();
        List<CompletableFuture<float[]>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            float[] forA = face(i % 3, 200 + i);
            float[] forB = face(i % 3, 300 + i);
            facesA.add(forA);
            facesB.add(forB);
            results.add(submitOne(worker, a, forA));
            results.add(submitOne(worker, b, forB));
        }
        first.release();

        get(head);
        for (CompletableFuture<float[]> result : results) {
            assertThat(get(result)).hasSize(TinyModels.PEOPLE);
        }
        assertThat(first.batchSizes()).containsExactly(1, 10);
        assertThat(second.batchSizes()).containsExactly(10);
        // Each model saw exactly its own requests' faces, in submission order.
        assertThat(first.passes().get(1)).isDeepEqualTo(facesA.toArray(float[][]::new));
        assertThat(second.passes().get(0)).isDeepEqualTo(facesB.toArray(float[][]::new));
    }

    @Test
    void aFailedPassFailsItsRequestsAndTheWorkerCarriesOn() throws Exception {
        RecordingModel model = load();
        ServingModel serving = new ServingModel(model.stored());
        BatchingWorker worker = worker(MAX_BATCH, 16);

        CompletableFuture<float[]> malformed = submitOne(worker, serving, new float[7]);
        assertThat(causeOf(malformed)).isNotNull().isNotInstanceOf(BatchingWorker.OverloadedException.class);

        assertThat(get(submitOne(worker, serving, face(1, 5)))).hasSize(TinyModels.PEOPLE);
    }

    @Test
    void closingFailsWaitingAndLaterRequests() throws Exception {
        RecordingModel model = load();
        ServingModel serving = new ServingModel(model.stored());
        BatchingWorker worker = new BatchingWorker(MAX_BATCH, 16, () -> {});

        model.hold();
        CompletableFuture<float[]> running = submitOne(worker, serving, face(0, 1));
        model.awaitFirstPass();
        List<CompletableFuture<float[]>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(submitOne(worker, serving, face(1, 10 + i)));
        }

        // Closing interrupts the worker; the pass in progress still completes.
        worker.close();
        model.release();

        assertThat(get(running)).hasSize(TinyModels.PEOPLE);
        for (CompletableFuture<float[]> result : waiting) {
            assertThat(causeOf(result)).isInstanceOf(BatchingWorker.OverloadedException.class);
        }
        CompletableFuture<float[]> late = submitOne(worker, serving, face(2, 30));
        assertThat(late).isCompletedExceptionally();
        assertThat(causeOf(late)).isInstanceOf(BatchingWorker.OverloadedException.class);
    }

    private static Throwable causeOf(CompletableFuture<float[]> result) throws Exception {
        try {
            result.get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** One face as its own request. */
    private static CompletableFuture<float[]> submitOne(BatchingWorker worker, ServingModel model, float[] face) {
        return worker.submit(model, new float[][] {face}).thenApply(probabilities -> probabilities[0]);
    }
}
