package dev.visage.jobs;

import dev.visage.store.JobFiles;
import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoreException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training jobs in the model store, so that every instance sharing it answers for every job, whichever instance
 * runs it: each job's state is written there when it changes ({@link JobFiles}), and an instance's own jobs are
 * merged with those of the others. A job whose instance died stays as it last was until another instance takes
 * its stale training lock over, which marks it FAILED.
 */
final class SharedJobs {

    private static final Logger log = LoggerFactory.getLogger(SharedJobs.class);

    private final JobFiles files;

    SharedJobs(ModelStore store) {
        this.files = new JobFiles(store, TrainingJobs.KEPT_JOBS);
    }

    /** Writes a job's state; a store that cannot be written costs the other instances the view, not the job. */
    void publish(TrainingJobView job) {
        try {
            files.write(job.id(), job);
        } catch (ModelStoreException e) {
            log.warn("Training job {}: {}", job.id(), e.getMessage());
        }
    }

    Optional<TrainingJobView> find(String id) {
        return files.read(id, TrainingJobView.class);
    }

    /** {@code own} (this instance's, which are the freshest) and the others' jobs, newest first. */
    List<TrainingJobView> recent(List<TrainingJobView> own) {
        Map<String, TrainingJobView> jobs = new LinkedHashMap<>();
        own.forEach(job -> jobs.put(job.id(), job));
        files.newest(TrainingJobView.class).forEach(job -> jobs.putIfAbsent(job.id(), job));
        return jobs.values().stream()
                .sorted(Comparator.comparing(TrainingJobView::submittedAt).reversed())
                .limit(TrainingJobs.KEPT_JOBS)
                .toList();
    }

    /**
     * Asks the instance that runs a job to cancel it.
     *
     * @throws TrainingJobConflictException if the job has already finished
     */
    Optional<TrainingJobView> cancel(String id) {
        return find(id).map(job -> {
            if (job.state().isFinished()) {
                throw TrainingJobConflictException.finished(job);
            }
            files.requestCancel(id);
            log.info("Cancellation of training job {} requested from another instance", id);
            return job.cancelling();
        });
    }

    /** Whether the job is to stop: asked here, or on another instance (then it is cancelled here too). */
    boolean isCancelRequested(TrainingJob job) {
        if (!job.isCancelRequested() && files.isCancelRequested(job.id())) {
            job.requestCancel();
        }
        return job.isCancelRequested();
    }

    /** Marks a job FAILED whose instance lost it (its stale lock was taken over), unless it had finished. */
    void lost(String id) {
        find(id).filter(job -> !job.state().isFinished()).ifPresent(job -> {
            log.warn("Training job {} failed: the instance that ran it is lost", id);
            publish(job.lost(Instant.now()));
        });
    }
}
