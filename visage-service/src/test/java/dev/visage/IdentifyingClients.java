package dev.visage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Clients that identify a photo in a loop against several instances until closed, as load during a model swap:
 * they count the requests, keep every answer other than 200, and note which model version each instance answered
 * with.
 */
public final class IdentifyingClients implements AutoCloseable {

    /** One identification against one instance. */
    @FunctionalInterface
    public interface Identify {
        HttpResponse<String> call() throws IOException;
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Logger log = LoggerFactory.getLogger(IdentifyingClients.class);

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> failures = new ArrayList<>();
    private final Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
    private final ExecutorService clients;
    private final List<Future<?>> loops = new ArrayList<>();

    private IdentifyingClients(int threads) {
        this.clients = Executors.newFixedThreadPool(threads);
    }

    /** Starts {@code perInstance} clients for each named instance. */
    public static IdentifyingClients start(Map<String, Identify> instances, int perInstance) {
        IdentifyingClients load = new IdentifyingClients(instances.size() * perInstance);
        for (Map.Entry<String, Identify> instance : instances.entrySet()) {
            for (int c = 0; c < perInstance; c++) {
                load.loops.add(load.clients.submit(() -> load.loop(instance.getKey(), instance.getValue())));
            }
        }
        return load;
    }

    private Void loop(String name, Identify identify) throws IOException {
        while (running.get()) {
            HttpResponse<String> response = identify.call();
            requests.incrementAndGet();
            if (response.statusCode() == 200) {
                versionsSeen.add(name + ":"
                        + JSON.readTree(response.body()).get("modelVersion").asString());
            } else {
                synchronized (failures) {
                    failures.add(name + " " + response.statusCode() + " " + response.body());
                }
            }
        }
        return null;
    }

    /** Logs how many identifications ran and fails unless every one was answered 200 (the others are listed). */
    public void assertNoneFailed() {
        List<String> failed;
        synchronized (failures) {
            failed = List.copyOf(failures);
        }
        log.info("{} identifications during the swaps, {} failed", requests.get(), failed.size());
        assertThat(failed)
                .as("answers other than 200, as \"instance status body\"")
                .isEmpty();
    }

    /** "instance:version" for every version an instance answered with. */
    public Set<String> versionsSeen() {
        return Set.copyOf(versionsSeen);
    }

    /** Stops the clients after their current request; a client's exception fails the caller here. */
    @Override
    public void close() throws ExecutionException, InterruptedException {
        running.set(false);
        try {
            for (Future<?> loop : loops) {
                loop.get();
            }
        } finally {
            clients.shutdown();
        }
    }
}
