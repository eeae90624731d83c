package dev.visage.serving;

import dev.visage.store.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The versions this instance refused to serve, with the reason, for health and the operator; each is not tried
 * again until its files change (a cheap fingerprint of the version's folder tells).
 */
final class RefusedVersions {

    private final ModelStore store;
    private final Map<String, Refusal> refused = new ConcurrentHashMap<>();

    RefusedVersions(ModelStore store) {
        this.store = store;
    }

    /** Why a version was refused, and the state of its files then. */
    private record Refusal(String reason, String files) {}

    void add(String version, String reason) {
        refused.put(version, new Refusal(reason, files(version)));
    }

    void remove(String version) {
        refused.remove(version);
    }

    /** Whether the version was refused and its files have not changed since: trying it again is pointless. */
    boolean isUnchanged(String version) {
        Refusal refusal = refused.get(version);
        return refusal != null && refusal.files().equals(files(version));
    }

    /** The reasons, by version. */
    Map<String, String> reasons() {
        Map<String, String> reasons = new TreeMap<>();
        refused.forEach((version, refusal) -> reasons.put(version, refusal.reason()));
        return reasons;
    }

    /** The names, sizes and modification times of the version's files, or "missing". */
    private String files(String version) {
        Path folder = store.root().resolve(version).normalize();
        if (!folder.startsWith(store.root().normalize()) || !Files.isDirectory(folder)) {
            return "missing";
        }
        StringBuilder state = new StringBuilder();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                state.append(file.getFileName())
                        .append(':')
                        .append(Files.size(file))
                        .append(':')
                        .append(Files.getLastModifiedTime(file).toMillis())
                        .append(';');
            }
        } catch (IOException e) {
            return "unreadable";
        }
        return state.toString();
    }
}
