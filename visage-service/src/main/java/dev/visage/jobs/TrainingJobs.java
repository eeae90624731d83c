package dev.visage.jobs;

import dev.visage.dataset.LfwProperties;
import dev.visage.dataset.LfwVariant;
import dev.visage.jobs.TrainingJobView.State;
import dev.visage.store.ModelStore;
import dev.visage.training.TrainingCancelledException;
import dev.visage.training.TrainingConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * Runs training in the background, one job at a time on a dedicated thread, and remembers the last
 * {@value #KEPT_JOBS} jobs. A job holds the model store's training lock from submission to its end, so that one
 * job runs at a time among all instances sharing the store. Its model is stored as a candidate, then
 * {@link ModelPromotion} decides whether it goes into service; a promoted model is announced with a
 * {@link dev.visage.store.ModelPromotedEvent} before the job reports success, so serving has switched to it by the time a job shows
 * SUCCEEDED. Cancelling a job leaves the store and the served model as they were, since the pipeline stores only
 * at its end. Every instance sharing the store sees every job ({@link SharedJobs}), and can cancel it.
 *
 * <p>Metrics: {@code visage.training.progress} (gauge, the running job's progress through its stage, 0 when none
 * runs),
 * {@code visage.training.duration} (timer of jobs that started) and {@code visage.training.jobs} (counter of
 * finished jobs), both tagged with the {@code outcome}: succeeded, failed or cancelled.
 */
@Service
public class TrainingJobs {

    static final int KEPT_JOBS = 20;

    private static final Logger log = LoggerFactory.getLogger(TrainingJobs.class);

    private final JobWork work;
    private final LfwProperties lfw;
    private final JobLocks locks;
    private final MeterRegistry meters;
    private final ExecutorService executor;
    private final SharedJobs shared;
    /** Newest first; the only job that can be active is the first. */
    private final Deque<TrainingJob> jobs = new ArrayDeque<>();

    @Autowired
    TrainingJobs(JobWork work, LfwProperties lfw, JobLocks locks, MeterRegistry meters, ModelStore store) {
        this(work, lfw, locks, meters, new SharedJobs(store), Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "training");
            // Never keeps the JVM alive: a job is cancelled on shutdown and leaves nothing half-stored.
            thread.setDaemon(true);
            return thread;
        }));
    }

    TrainingJobs(
            JobWork work,
            LfwProperties lfw,
            JobLocks locks,
            MeterRegistry meters,
            SharedJobs shared,
            ExecutorService executor) {
        this.work = work;
        this.lfw = lfw;
        this.locks = locks;
        this.meters = meters;
        this.executor = executor;
        this.shared = shared;
        Gauge.builder("visage.training.progress", this, TrainingJobs::runningProgress)
                .description("Progress of the running training job's stage, 0..1; 0 when none runs")
                .register(meters);
        JobMetrics.register(meters);
    }

    /**
     * Queues a job with the defaults overridden by {@code request}.
     *
     * @throws TrainingJobConflictException if a job is queued or running here
     * @throws dev.visage.dataset.TooFewEnrolledPeopleException if it asks for the enrolled people, too few of whom
     *     have enough photos
     * @throws dev.visage.store.TrainingLockedException if another instance sharing the store runs one
     * @throws dev.visage.training.NoFaceBaseException if the job starts from the face base and none is stored
     */
    public TrainingJobView submit(TrainingRequest request) {
        TrainingConfig config = request.applyTo(work.defaultConfig());
        LfwVariant variant = request.variantOr(lfw.variant());
        work.check(config, request.kindOrModel());
        synchronized (jobs) {
            TrainingJob latest = jobs.peekFirst();
            if (latest != null && latest.isActive()) {
                throw TrainingJobConflictException.busy(latest.view());
            }
            TrainingJob job = new TrainingJob(
                    config,
                    TrainingRequest.of(config, variant, request.promotion(), request.kindOrModel()),
                    shared::publish);
            JobLocks.Held lock = locks.acquire(
                    job.id(),
                    () -> job.lockLost("another instance took over the "
                            + "model store's training lock (this one's heartbeat was too late)"));
            lock.takenOverFrom().ifPresent(shared::lost);
            shared.publish(job.view());
            jobs.addFirst(job);
            if (jobs.size() > KEPT_JOBS) {
                jobs.removeLast();
            }
            try {
                executor.execute(() -> {
                    try (lock) {
                        run(job, lock);
                    }
                });
            } catch (RuntimeException e) {
                // Shutting down: nothing will run the job, so it is cancelled (for the other instances to see) and
                // its lock goes now rather than when it goes stale.
                jobs.remove(job);
                job.requestCancel();
                lock.close();
                throw e;
            }
            TrainingJobView view = job.view();
            log.info("Training job {} queued with {}", job.id(), view.settings());
            return view;
        }
    }

    /** A job of this instance or of another one sharing the store. */
    public Optional<TrainingJobView> find(String id) {
        return job(id).map(TrainingJob::view).or(() -> shared.find(id));
    }

    /** The remembered jobs of all instances sharing the store, newest first. */
    public List<TrainingJobView> recent() {
        List<TrainingJobView> own;
        synchronized (jobs) {
            own = jobs.stream().map(TrainingJob::view).toList();
        }
        return shared.recent(own);
    }

    /**
     * Cancels a job: a queued one at once, a running one at its next batch.
     *
     * @return the job after the request, empty if there is no such job
     * @throws TrainingJobConflictException if the job has already finished
     */
    public Optional<TrainingJobView> cancel(String id) {
        return job(id).map(job -> {
                    if (!job.requestCancel()) {
                        throw TrainingJobConflictException.finished(job.view());
                    }
                    log.info("Cancellation of training job {} requested", id);
                    return job.view();
                })
                .or(() -> shared.cancel(id));
    }

    private Optional<TrainingJob> job(String id) {
        synchronized (jobs) {
            return jobs.stream().filter(job -> job.id().equals(id)).findFirst();
        }
    }

    private void run(TrainingJob job, JobLocks.Held lock) {
        if (!job.start()) {
            ended(job);
            return;
        }
        log.info("Training job {} started", job.id());
        try {
            work.run(job, lock, () -> shared.isCancelRequested(job));
        } catch (TrainingCancelledException e) {
            if (job.lockLostReason() != null) {
                job.failed(job.lockLostReason());
                log.error("Training job {} stopped: {}", job.id(), job.lockLostReason());
            } else {
                job.cancelled();
                log.info("Training job {} cancelled", job.id());
            }
        } catch (Throwable e) {
            // Errors too (a native library that fails to load throws one): a job that never ends blocks all others.
            job.failed(Objects.requireNonNullElse(e.getMessage(), e.getClass().getName()));
            log.error("Training job {} failed", job.id(), e);
        }
        ended(job);
    }

    private void ended(TrainingJob job) {
        JobMetrics.ended(meters, job.state(), job.runTime());
    }

    private double runningProgress() {
        synchronized (jobs) {
            TrainingJob latest = jobs.peekFirst();
            return latest != null && latest.state() == State.RUNNING ? latest.progress() : 0;
        }
    }

    /** Stops the running job at its next batch and lets the thread end with it. */
    @PreDestroy
    void shutdown() {
        synchronized (jobs) {
            TrainingJob latest = jobs.peekFirst();
            if (latest != null) {
                latest.requestCancel();
            }
        }
        executor.shutdown();
    }
}
