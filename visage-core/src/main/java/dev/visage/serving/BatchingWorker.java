package dev.visage.serving;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs forward passes on one dedicated thread, batching the waiting requests into one pass (as many as fit in
 * {@code maxBatchSize} faces), the way DJL Serving and TorchServe do. Under load, batches fill up and the per-image
 * cost of the native call drops; with a single request waiting, it runs at once with no added delay. A single
 * caller keeps the (not thread-safe) predictor safe.
 */
public final class BatchingWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchingWorker.class);

    private final BlockingQueue<Request> queue;
    private final int maxBatchSize;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param maxBatchSize most faces in one forward pass (each goes through with its mirror image)
     * @param queueCapacity most requests waiting
     * @param threadSetup runs first on the worker thread (e.g. to set LibTorch's threads for it)
     */
    public BatchingWorker(int maxBatchSize, int queueCapacity, Runnable threadSetup) {
        this.maxBatchSize = maxBatchSize;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = new Thread(
                () -> {
                    threadSetup.run();
                    run();
                },
                "visage-inference");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues the cropped faces of one photo for the given (acquired) model; they go through one forward pass. The
     * request holds a reference of its own on the model until the worker is done with it, even when its caller
     * stopped waiting; one cancelled by its caller before its turn is skipped, without a pass.
     *
     * @return the class probabilities of each face, or a future failed with {@link OverloadedException} when the
     *     queue is full
     */
    public CompletableFuture<float[][]> submit(ServingModel model, float[][] faces) {
        if (!model.acquire()) {
            throw new IllegalStateException("Model " + model.version() + " was closed before its request queued");
        }
        Request request = new Request(model, faces, new CompletableFuture<>());
        if (!running || !queue.offer(request)) {
            request.refuse();
        }
        return request.result();
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        while (running) {
            try {
                Request first = queue.take();
                if (first.skipped()) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            // Requests join while their faces fit in maxBatchSize; one larger than that still runs, alone. Those
            // given up on leave without taking room. The peeked request is the one polled: this thread is the
            // queue's only consumer.
            int faces = batch.get(0).faces().length;
            for (Request next = queue.peek();
                    next != null && (next.result().isDone() || faces + next.faces().length <= maxBatchSize);
                    next = queue.peek()) {
                queue.poll();
                if (!next.skipped()) {
                    batch.add(next);
                    faces += next.faces().length;
                }
            }
            forward(batch);
            batch.clear();
        }
        for (Request left = queue.poll(); left != null; left = queue.poll()) {
            left.refuse();
        }
    }

    /**
     * One pass per model in the batch (around a hot swap, a batch can hold requests for two models). Each request
     * lets go of its model before it is answered, so its caller's answer comes after the worker is done with it.
     */
    private static void forward(List<Request> batch) {
        Map<ServingModel, List<Request>> byModel = new LinkedHashMap<>();
        for (Request request : batch) {
            byModel.computeIfAbsent(request.model(), m -> new ArrayList<>()).add(request);
        }
        byModel.forEach((model, requests) -> {
            float[][] faces = requests.stream()
                    .flatMap(request -> Arrays.stream(request.faces()))
                    .toArray(float[][]::new);
            float[][] probabilities;
            try {
                probabilities = model.predictor().predict(faces);
            } catch (Exception e) {
                log.error("Forward pass of {} images failed", faces.length, e);
                requests.forEach(request -> request.model().release());
                requests.forEach(request -> request.result().completeExceptionally(e));
                return;
            }
            requests.forEach(request -> request.model().release());
            int next = 0;
            for (Request request : requests) {
                int count = request.faces().length;
                request.result().complete(Arrays.copyOfRange(probabilities, next, next + count));
                next += count;
            }
        });
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Faces waiting for a pass, holding a reference on their model until they leave the queue or their pass ends. */
    private record Request(ServingModel model, float[][] faces, CompletableFuture<float[][]> result) {

        /** Fails the request as overloaded and lets go of its model. */
        void refuse() {
            result.completeExceptionally(new OverloadedException());
            model.release();
        }

        /** Whether its caller stopped waiting; its model is then let go, and it gets no pass. */
        boolean skipped() {
            if (result.isDone()) {
                model.release();
                return true;
            }
            return false;
        }
    }

    /** The queue of waiting requests is full: the service is past its capacity. */
    public static final class OverloadedException extends RuntimeException {
        OverloadedException() {
            super("Too many identifications waiting; try again shortly");
        }
    }
}
