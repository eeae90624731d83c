package dev.visage.jobs;

import dev.visage.store.ModelPromotedEvent;
import dev.visage.training.BasePipeline;
import dev.visage.training.BaseRecipe;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingPipeline;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * What a running job does: trains a model, which {@link ModelPromotion} then puts in service or not (announced
 * with a {@link ModelPromotedEvent}), or a face base, which is in use as soon as it is stored.
 */
@Component
class JobWork {

    private static final Logger log = LoggerFactory.getLogger(JobWork.class);

    private final TrainingPipeline models;
    private final BasePipeline bases;
    private final ModelPromotion promotion;
    private final ApplicationEventPublisher events;

    JobWork(TrainingPipeline models, BasePipeline bases, ModelPromotion promotion, ApplicationEventPublisher events) {
        this.models = models;
        this.bases = bases;
        this.promotion = promotion;
        this.events = events;
    }

    /** The configured defaults of a model run. */
    TrainingConfig defaultConfig() {
        return models.defaultConfig();
    }

    /**
     * Refuses a run that cannot start, before it is queued: a model of the enrolled people when too few have
     * enough photos, or a model from the face base while none is stored.
     *
     * @throws dev.visage.dataset.TooFewEnrolledPeopleException if too few enrolled people have enough photos
     * @throws dev.visage.training.NoFaceBaseException if it starts from the face base and none is stored
     */
    void check(TrainingConfig config, TrainingKind kind) {
        if (kind == TrainingKind.MODEL) {
            models.check(config);
            models.baseFor(config);
        }
    }

    /** Runs the job's training and records its success on the job; failures are thrown to the caller. */
    void run(TrainingJob job, JobLocks.Held lock, BooleanSupplier cancelled) {
        if (job.kind() == TrainingKind.BASE) {
            TrainingConfig config = job.config();
            BaseRecipe standard = BaseRecipe.STANDARD;
            BaseRecipe recipe = new BaseRecipe(
                    standard.network(),
                    standard.imageSize(),
                    standard.augmentation(),
                    config.epochs(),
                    config.learningRate());
            BasePipeline.Result result = bases.run(recipe, config, job, cancelled);
            job.succeeded(
                    result.manifest().version(),
                    result.metrics().training(),
                    new ModelPromotion.Decision(false, "a face base: in use as the newest base"));
            log.info(
                    "Training job {} stored face base {}",
                    job.id(),
                    result.manifest().version());
            return;
        }
        TrainingPipeline.Result result = models.run(job.config(), job.variant(), job, cancelled);
        String version = result.manifest().version();
        ModelPromotion.Decision decision = promotion.decide(version, job.promotion(), lock::isHeld);
        if (decision.promoted()) {
            events.publishEvent(new ModelPromotedEvent(result.manifest()));
        }
        job.succeeded(version, result.metrics(), decision);
        log.info(
                "Training job {} stored model {} (test accuracy {}); {}",
                job.id(),
                version,
                String.format(Locale.ROOT, "%.4f", result.metrics().testAccuracy()),
                decision.promoted() ? "it is now current" : decision.reason());
    }
}
