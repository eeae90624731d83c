package dev.visage.serving;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import dev.visage.store.ModelStore;
import dev.visage.store.StoredModel;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a loaded model so that the predictors made from it record every forward pass (the faces in it) and, while
 * {@link #hold()} is in force, wait before running one: a test can so line requests up behind a pass in progress
 * without relying on timing. Public for the identification tests, which serve through the same worker.
 */
public final class RecordingModel {

    private final StoredModel real;
    private final StoredModel wrapped;
    private final List<float[][]> passes = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch entered = new CountDownLatch(1);
    private final AtomicInteger passesWhenClosed = new AtomicInteger();
    private volatile CountDownLatch gate;

    public RecordingModel(StoredModel real) {
        this.real = real;
        Model model = real.model();
        Model proxy = (Model) Proxy.newProxyInstance(
                Model.class.getClassLoader(), new Class<?>[] {Model.class}, (self, method, args) -> {
                    if (method.getName().equals("newPredictor")) {
                        @SuppressWarnings("unchecked")
                        Translator<float[][], float[][]> translator = (Translator<float[][], float[][]>) args[0];
                        Device device = args.length > 1
                                ? (Device) args[1]
                                : model.getNDManager().getDevice();
                        return new Recording(model, translator, device);
                    }
                    try {
                        return method.invoke(model, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        this.wrapped = new StoredModel(proxy, real.manifest(), real.folder());
    }

    /**
     * A spy of {@code store} whose {@link ModelStore#load} hands out recording models, each added to {@code loaded}
     * in load order.
     */
    public static ModelStore recordingLoads(ModelStore store, List<RecordingModel> loaded) {
        ModelStore spy = spy(store);
        doAnswer(invocation -> {
                    RecordingModel model = new RecordingModel((StoredModel) invocation.callRealMethod());
                    loaded.add(model);
                    return model.stored();
                })
                .when(spy)
                .load(anyString());
        return spy;
    }

    /** The model to hand to serving. */
    public StoredModel stored() {
        return wrapped;
    }

    /** The real DJL model underneath. */
    public Model realModel() {
        return real.model();
    }

    /** From now on, forward passes wait until {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch held = gate;
        gate = null;
        if (held != null) {
            held.countDown();
        }
    }

    /** Waits until the first forward pass has started (and, if held, is waiting). */
    public void awaitFirstPass() throws InterruptedException {
        if (!entered.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("No forward pass started within 30 s");
        }
    }

    /** Number of images in each forward pass so far, in order. */
    public List<Integer> batchSizes() {
        synchronized (passes) {
            return passes.stream().map(pass -> pass.length).toList();
        }
    }

    /** The faces of each forward pass so far, in order. */
    public List<float[][]> passes() {
        synchronized (passes) {
            return List.copyOf(passes);
        }
    }

    /** Forward passes that went ahead (after any hold) on this model when it was already closed. */
    public int passesWhenClosed() {
        return passesWhenClosed.get();
    }

    /** Whether the model's native memory is still open, that is, it was not closed. */
    public boolean isOpen() {
        return real.model().getNDManager().isOpen();
    }

    private final class Recording extends Predictor<float[][], float[][]> {

        Recording(Model model, Translator<float[][], float[][]> translator, Device device) {
            super(model, translator, device, false);
        }

        @Override
        public float[][] predict(float[][] faces) throws TranslateException {
            passes.add(faces.clone());
            entered.countDown();
            CountDownLatch held = gate;
            if (held != null) {
                try {
                    if (!held.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("Held forward pass never released");
                    }
                } catch (InterruptedException e) {
                    // Closing the worker interrupts it; go on with this pass as a real one would.
                    Thread.currentThread().interrupt();
                }
            }
            if (!isOpen()) {
                passesWhenClosed.incrementAndGet();
            }
            return super.predict(faces);
        }
    }
}
