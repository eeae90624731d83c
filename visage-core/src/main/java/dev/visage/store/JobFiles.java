package dev.visage.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Training jobs as every instance sharing the store sees them: {@code jobs/<id>.json}, the job's last state,
 * replaced by an atomic rename whenever it changes, so a reader never sees half a file; the newest {@code keep}
 * are kept. A cancellation asked on another instance is {@code jobs/<id>.cancel}, which the job's own instance
 * looks for. Ids are those the jobs get (UUIDs); anything else names no file.
 */
public final class JobFiles {

    static final String FOLDER = "jobs";

    private static final Logger log = LoggerFactory.getLogger(JobFiles.class);
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
    private static final String JSON = ".json";
    private static final String CANCEL = ".cancel";

    private final Path folder;
    private final int keep;
    private final JsonMapper json = JsonMapper.builder().build();

    public JobFiles(ModelStore store, int keep) {
        this.folder = store.root().resolve(FOLDER);
        this.keep = keep;
    }

    /** Writes a job's state, and drops the oldest jobs beyond the newest {@code keep}. */
    public void write(String id, Object job) {
        try {
            LifecycleFile.replace(folder, checked(id) + JSON, json.writeValueAsString(job));
            List<Path> stored = files(JSON);
            for (Path old : stored.subList(Math.min(keep, stored.size()), stored.size())) {
                Files.deleteIfExists(old);
                Files.deleteIfExists(folder.resolve(name(old, JSON) + CANCEL));
            }
        } catch (IOException | JacksonException e) {
            throw new ModelStoreException("Cannot write training job " + id + " in " + folder + ": " + e, e);
        }
    }

    public <T> Optional<T> read(String id, Class<T> type) {
        return ID.matcher(id).matches() ? read(folder.resolve(id + JSON), type) : Optional.empty();
    }

    /** The stored jobs, newest first. */
    public <T> List<T> newest(Class<T> type) {
        return files(JSON).stream()
                .limit(keep)
                .flatMap(file -> read(file, type).stream())
                .toList();
    }

    /** Asks the job's own instance to cancel it. */
    public void requestCancel(String id) {
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(checked(id) + CANCEL), "");
        } catch (IOException e) {
            throw new ModelStoreException("Cannot ask for the cancellation of training job " + id + ": " + e, e);
        }
    }

    public boolean isCancelRequested(String id) {
        return ID.matcher(id).matches() && Files.exists(folder.resolve(id + CANCEL));
    }

    private <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Optional.of(json.readValue(file.toFile(), type));
        } catch (JacksonException e) {
            if (Files.exists(file)) {
                log.warn("Unreadable training job {}: {}", file, e.getOriginalMessage());
            }
            return Optional.empty();
        }
    }

    /** Files with the suffix, newest first. */
    private List<Path> files(String suffix) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> listed = Files.list(folder)) {
            return listed.filter(file -> ID.matcher(name(file, suffix)).matches())
                    .sorted(Comparator.comparing(JobFiles::modified).reversed())
                    .toList();
        } catch (IOException e) {
            throw new ModelStoreException("Cannot list the training jobs in " + folder + ": " + e, e);
        }
    }

    private static String name(Path file, String suffix) {
        String name = file.getFileName().toString();
        return name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : "";
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            // Deleted meanwhile: oldest of all, so it goes first when pruning.
            return FileTime.fromMillis(0);
        }
    }

    private static String checked(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Not a training job id: " + id);
        }
        return id;
    }
}
