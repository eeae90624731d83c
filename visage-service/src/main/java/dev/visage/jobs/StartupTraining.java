package dev.visage.jobs;

import dev.visage.store.ModelStore;
import dev.visage.store.TrainingLock;
import dev.visage.store.TrainingLockedException;
import dev.visage.training.BasePipeline;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gives a fresh service something to serve: once it is ready, and if {@code visage.train-on-startup} is on and
 * the store is empty (no version at all), it starts a training job with the defaults; when the store holds no face
 * base either (and LFW has the people for one), a base job first, then the model job once the base job ended. Should LFW be neither on
 * disk nor downloadable, the job fails saying so, and {@code GET /model} shows why until a model serves. When
 * several instances share the store, the first to take the store's training lock trains; the others wait, and
 * serve the model once it is promoted (serving follows {@code current}). They try again now and then, so that one
 * of them takes over if the trainer dies and its lock goes stale. Only in the web service; the {@code train}
 * command trains by itself.
 */
@Component
@ConditionalOnWebApplication
class StartupTraining {

    private static final Logger log = LoggerFactory.getLogger(StartupTraining.class);

    private final StartupTrainingProperties properties;
    private final ModelStore store;
    private final TrainingJobs jobs;
    private final Duration retryEvery;
    private final BasePipeline bases;
    private volatile boolean waiting;
    /** Whether this start-up submitted a base job: the model job follows it, whatever became of the base. */
    private volatile boolean baseSubmitted;

    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "startup-training");
        thread.setDaemon(true);
        return thread;
    });

    @Autowired
    StartupTraining(
            StartupTrainingProperties properties,
            ModelStore store,
            TrainingJobs jobs,
            BasePipeline bases,
            TrainingLock lock) {
        this(properties, store, jobs, bases, lock.heartbeatInterval());
    }

    StartupTraining(
            StartupTrainingProperties properties,
            ModelStore store,
            TrainingJobs jobs,
            BasePipeline bases,
            Duration retryEvery) {
        this.bases = bases;
        this.properties = properties;
        this.store = store;
        this.jobs = jobs;
        this.retryEvery = retryEvery;
    }

    @EventListener(ApplicationReadyEvent.class)
    void trainWhenNoModel() {
        if (!properties.trainOnStartup() || !isEmpty()) {
            return;
        }
        boolean base = !baseSubmitted && bases.neededAndPossible();
        try {
            TrainingJobView job = jobs.submit(base ? TrainingRequest.BASE : TrainingRequest.DEFAULTS);
            if (base) {
                baseSubmitted = true;
                log.info(
                        "No model and no face base in {}; training the base first (job {}), then the model",
                        store.root(),
                        job.id());
                retryLater();
            } else {
                log.info("No model in {}; training one with the defaults as job {}", store.root(), job.id());
            }
        } catch (TrainingJobConflictException e) {
            if (baseSubmitted) {
                retryLater();
                return;
            }
            // A POST /train got in first, between the server's start and this event.
            log.info("No model in {}; a training job is already running", store.root());
        } catch (TrainingLockedException e) {
            if (!waiting) {
                waiting = true;
                log.info(
                        "No model in {}; instance {} is training one (job {}); this instance waits for it, and "
                                + "takes over should that instance's lock go stale",
                        store.root(),
                        e.holder().owner(),
                        e.holder().jobId());
            }
            retryLater();
        }
    }

    private void retryLater() {
        retries.schedule(this::trainWhenNoModel, retryEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** No current model and no stored version: a candidate that the gate turned down is not retrained for. */
    private boolean isEmpty() {
        if (store.currentVersion().isPresent()) {
            return false;
        }
        if (!store.versions().isEmpty()) {
            log.warn(
                    "No current model in {}, but it holds versions {}: promote one (POST /models/<version>/promote)",
                    store.root(),
                    store.versions());
            return false;
        }
        return true;
    }

    @PreDestroy
    void shutdown() {
        retries.shutdownNow();
    }
}
