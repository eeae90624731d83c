package dev.visage.jobs;

import dev.visage.dataset.LfwSource;
import dev.visage.store.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Gives a fresh service something to serve: once it is ready, and if {@code visage.train-on-startup} is on, the
 * store has no current model and LFW is on disk or may be downloaded, it starts a training job with the defaults.
 * Only in the web service; the {@code train} command trains by itself.
 */
@Component
@ConditionalOnWebApplication
class StartupTraining {

    private static final Logger log = LoggerFactory.getLogger(StartupTraining.class);

    private final StartupTrainingProperties properties;
    private final ModelStore store;
    private final LfwSource lfw;
    private final TrainingJobs jobs;

    StartupTraining(StartupTrainingProperties properties, ModelStore store, LfwSource lfw, TrainingJobs jobs) {
        this.properties = properties;
        this.store = store;
        this.lfw = lfw;
        this.jobs = jobs;
    }

    @EventListener(ApplicationReadyEvent.class)
    void trainWhenNoModel() {
        if (!properties.trainOnStartup() || store.currentVersion().isPresent()) {
            return;
        }
        if (!lfw.isAvailable()) {
            log.warn(
                    "No model in {} and no LFW images to train one; set visage.lfw.dir or allow downloading, "
                            + "then POST /train",
                    store.root());
            return;
        }
        try {
            TrainingJobView job = jobs.submit(TrainingRequest.DEFAULTS);
            log.info("No model in {}; training one with the defaults as job {}", store.root(), job.id());
        } catch (TrainingJobConflictException e) {
            // A POST /train got in first, between the server's start and this event.
            log.info("No model in {}; a training job is already running", store.root());
        }
    }
}
