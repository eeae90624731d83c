package dev.visage.batch;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The identifiers loaded in this JVM, one per model store, version and settings: an executor loads its model once,
 * on its first task, not once per task or partition; in local mode the driver's check at start-up is that load.
 */
final class ExecutorModels {

    private record Key(Path models, String version, Map<String, String> settings) {}

    private static final Map<Key, PhotoIdentifier> LOADED = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** The identifier for this version, loaded (and self-tested) by the first task that asks; the others wait. */
    static PhotoIdentifier get(Path models, String version, Map<String, String> settings) {
        return LOADED.computeIfAbsent(
                new Key(models.toAbsolutePath().normalize(), version, Map.copyOf(settings)),
                key -> PhotoIdentifier.load(key.models(), key.version(), key.settings()));
    }
}
