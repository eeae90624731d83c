package dev.visage.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.visage.SyntheticLfw;
import dev.visage.face.FaceCrop;
import dev.visage.face.TestCrops;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelPromotedEvent;
import dev.visage.store.ModelStore;
import dev.visage.store.StoreTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model in service: which version serves, how a new one replaces it, and that a replaced model is closed only
 * after its last request. Requests here do what {@code IdentificationService} does with the model: acquire it,
 * queue a face on the batching worker, wait for the answer, release it.
 */
class CurrentModelTest {

    @TempDir
    Path storeDir;

    private ModelStore store;
    /** Every model the store loaded, in load order. */
    private final List<RecordingModel> loaded = new CopyOnWriteArrayList<>();

    private final List<CurrentModel> currentModels = new ArrayList<>();
    private BatchingWorker worker;

    @BeforeEach
    void recordLoads() {
        store = RecordingModel.recordingLoads(new ModelStore(storeDir, 10), loaded);
        worker = new BatchingWorker(32, 1024, () -> {});
    }

    @AfterEach
    void destroy() {
        worker.close();
        currentModels.forEach(CurrentModel::destroy);
    }

    private CurrentModel currentModel() {
        CurrentModel current = new CurrentModel(store);
        currentModels.add(current);
        return current;
    }

    private static float[] face(ServingModel model, int person, long seed) {
        FaceCrop crop = model.crop();
        float[] face = new float[crop.pixelCount(0)];
        TestCrops.centred(crop, SyntheticLfw.image(person, new Random(seed)), 0, face, 0);
        return face;
    }

    /** One request as the identification service makes it; answers the version of the model that served it. */
    private String request(CurrentModel current, int person, long seed) throws Exception {
        ServingModel model = current.acquire();
        try {
            float[] probabilities =
                    submitOne(worker, model, face(model, person, seed)).get(30, TimeUnit.SECONDS);
            assertThat(probabilities).hasSize(TinyModels.PEOPLE);
            return model.version();
        } finally {
            model.release();
        }
    }

    private static boolean isOpen(RecordingModel model) {
        return model.realModel().getNDManager().isOpen();
    }

    @Test
    void refusesBeforeAnyModel() {
        CurrentModel current = currentModel();

        assertThat(current.manifest()).isEmpty();
        assertThatThrownBy(current::acquire)
                .isInstanceOf(ModelNotReadyException.class)
                .hasMessageContaining("No model is loaded yet");
        assertThat(loaded).isEmpty();
    }

    @Test
    void servesTheStoresCurrentVersionOnStart() throws Exception {
        TinyModels.storeInto(store);
        ModelManifest latest = TinyModels.storeInto(store);

        CurrentModel current = currentModel();

        assertThat(current.manifest()).map(ModelManifest::version).hasValue(latest.version());
        assertThat(loaded).hasSize(1);
        assertThat(request(current, 0, 1)).isEqualTo(latest.version());
    }

    @Test
    void servesTheFirstModelOnceItIsStored() throws Exception {
        CurrentModel current = currentModel();

        ModelManifest stored = TinyModels.storeInto(store);
        current.serveCurrent();

        assertThat(current.manifest()).hasValueSatisfying(manifest -> {
            assertThat(manifest.version()).isEqualTo(stored.version());
            assertThat(manifest.people()).isEqualTo(TinyModels.NAMES);
        });
        assertThat(request(current, 0, 2)).isEqualTo(stored.version());
    }

    @Test
    void switchesToAModelTrainingStored() throws Exception {
        TinyModels.storeInto(store);
        CurrentModel current = currentModel();
        ModelManifest trained = TinyModels.storeInto(store);

        current.onModelPromoted(new ModelPromotedEvent(trained));

        assertThat(current.manifest()).map(ModelManifest::version).hasValue(trained.version());
        assertThat(request(current, 1, 3)).isEqualTo(trained.version());
        assertThat(loaded).hasSize(2);
        assertThat(isOpen(loaded.get(0)))
                .as("the replaced model, without requests, is closed")
                .isFalse();
        assertThat(isOpen(loaded.get(1))).isTrue();
    }

    @Test
    void keepsServingWhenAStoredModelCannotBeLoaded() throws Exception {
        ModelManifest serving = TinyModels.storeInto(store);
        CurrentModel current = currentModel();
        ModelManifest broken = TinyModels.storeInto(store);
        Files.delete(StoreTestModels.parameters(store, broken.version()));

        current.onModelPromoted(new ModelPromotedEvent(broken));

        assertThat(current.manifest()).map(ModelManifest::version).hasValue(serving.version());
        assertThat(current.refusals()).containsOnlyKeys(broken.version());
        assertThat(isOpen(loaded.get(0))).isTrue();
        assertThat(request(current, 2, 4)).isEqualTo(serving.version());
    }

    @Test
    void aReplacedModelStaysOpenUntilItsLastRequestEnds() throws Exception {
        ModelManifest first = TinyModels.storeInto(store);
        ModelManifest second = TinyModels.storeInto(store);
        CurrentModel current = currentModel();
        RecordingModel old = loaded.get(0);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            old.hold();
            Future<String> inFlight = client.submit(() -> request(current, 0, 21));
            old.awaitFirstPass();

            current.serve(store.load(first.version()));

            assertThat(current.manifest()).map(ModelManifest::version).hasValue(first.version());
            assertThat(isOpen(old)).as("open while a request uses it").isTrue();
            old.release();
            assertThat(inFlight.get(30, TimeUnit.SECONDS)).isEqualTo(second.version());
            assertThat(isOpen(old)).as("closed after its last request").isFalse();
            assertThat(request(current, 0, 22)).isEqualTo(first.version());
        } finally {
            old.release();
            client.shutdown();
        }
    }

    @Test
    void swapsModelsUnderLoadWithoutFailingARequest() throws Exception {
        ModelManifest first = TinyModels.storeInto(store);
        ModelManifest second = TinyModels.storeInto(store);
        CurrentModel current = currentModel();
        assertThat(current.manifest()).map(ModelManifest::version).hasValue(second.version());

        int threads = 8;
        int calls = 50;
        int swaps = 6;
        AtomicInteger completed = new AtomicInteger();
        CountDownLatch swapped = new CountDownLatch(1);
        Set<String> versions = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = new CopyOnWriteArrayList<>();

        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int person = t % TinyModels.PEOPLE;
                long seed = 600 + t;
                clients.add(pool.submit(() -> {
                    // At least `calls` calls, and the last few after all swaps, so the swapper never waits in vain.
                    int made = 0;
                    int afterSwaps = 0;
                    while (made < calls || afterSwaps < 3) {
                        boolean swapsDone = swapped.getCount() == 0;
                        try {
                            versions.add(request(current, person, seed));
                        } catch (Exception | AssertionError e) {
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
                    current.serve(store.load(s % 2 == 1 ? first.version() : second.version()));
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
        assertThat(current.manifest()).map(ModelManifest::version).hasValue(second.version());

        // One load at start plus one per swap; every replaced model was closed, only the serving one is open.
        assertThat(loaded).hasSize(1 + swaps);
        for (RecordingModel replaced : loaded.subList(0, loaded.size() - 1)) {
            assertThat(isOpen(replaced)).isFalse();
        }
        RecordingModel serving = loaded.get(loaded.size() - 1);
        assertThat(isOpen(serving)).isTrue();

        current.destroy();
        currentModels.remove(current);
        assertThat(isOpen(serving)).as("closed with the service").isFalse();
        assertThatThrownBy(current::acquire).isInstanceOf(ModelNotReadyException.class);
    }

    /** One face as its own request. */
    private static CompletableFuture<float[]> submitOne(BatchingWorker worker, ServingModel model, float[] face) {
        return worker.submit(model, new float[][] {face}).thenApply(probabilities -> probabilities[0]);
    }
}
