package dev.visage.jobs;

import ai.djl.training.util.ProgressBar;
import dev.visage.dataset.PeopleSelection;
import dev.visage.store.ModelStore;
import dev.visage.system.DjlEnvironment;
import dev.visage.training.BasePipeline;
import dev.visage.training.BaseRecipe;
import dev.visage.training.EpochSummary;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingMetrics;
import dev.visage.training.TrainingObserver;
import dev.visage.training.TrainingPipeline;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar visage.jar train [--people=N|names|enrolled] [--from-base[=false]] [--promote=auto|never|force]
 * [--visage.training.epochs=N ...]}: trains ({@code --people=enrolled}: a model of the enrolled people;
 * {@code --from-base}: starting from the newest stored face base's trunk, as by default when one is stored;
 * {@code --from-base=false}: from scratch), prints the evaluation and stores the
 * model ({@code train --base}: the face base instead; on an empty store that holds no base, the base first and then
 * the model), without a web server, holding the store's training lock like any job. The
 * model goes into service as {@code --promote} says (by default through the quality gate). Exits 0 when the model
 * was stored, 1 with the reason on failure (another instance training on the same store, say).
 */
@Component
@ConditionalOnProperty(name = "visage.command", havingValue = "train")
class TrainCommand implements ApplicationRunner, ExitCodeGenerator {

    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    /** The option that starts the model from the newest stored face base's trunk. */
    static final String FROM_BASE = "from-base";

    private final TrainingPipeline pipeline;
    private final BasePipeline bases;
    private final ModelPromotion promotion;
    private final JobLocks locks;
    private final ModelStore models;
    private int exitCode;

    TrainCommand(
            TrainingPipeline pipeline,
            BasePipeline bases,
            ModelPromotion promotion,
            JobLocks locks,
            ModelStore models) {
        this.models = models;
        this.pipeline = pipeline;
        this.bases = bases;
        this.promotion = promotion;
        this.locks = locks;
    }

    @Override
    public void run(ApplicationArguments args) {
        long start = System.nanoTime();
        AtomicBoolean lockLost = new AtomicBoolean();
        try (JobLocks.Held lock = locks.acquire("train-command-" + UUID.randomUUID(), () -> lockLost.set(true))) {
            PromotionPolicy mode = args.containsOption("promote")
                    ? PromotionPolicy.parse(String.join("", args.getOptionValues("promote")))
                    : PromotionPolicy.AUTO;
            DjlEnvironment.loadEngine();
            TrainingConfig config = config(args);
            pipeline.check(config);
            boolean baseOnly = args.containsOption("base");
            if (baseOnly || bases.neededAndPossible() && models.versions().isEmpty()) {
                trainBase(lockLost::get, start);
                if (baseOnly) {
                    return;
                }
            }
            TrainingPipeline.Result result = pipeline.run(config, null, new ConsoleProgress(), lockLost::get);
            ModelPromotion.Decision decision =
                    promotion.decide(result.manifest().version(), mode, lock::isHeld);
            TrainingMetrics metrics = result.metrics();
            System.out.println();
            System.out.print(metrics.test().toTable());
            System.out.printf(
                    Locale.ROOT,
                    "best epoch %d of %d, validation accuracy %.4f%n",
                    metrics.bestEpoch(),
                    metrics.epochs(),
                    metrics.validationAccuracy());
            printTimes(metrics, start);
            System.out.println("Stored model " + result.manifest().version() + ": "
                    + (decision.promoted() ? "now current (" + decision.reason() + ")" : decision.reason()));
        } catch (RuntimeException e) {
            log.debug("Training failed", e);
            System.err.println("Training failed: " + e.getMessage());
            exitCode = 1;
        }
    }

    /** The configured run, with {@code --people} (N, comma-separated names or {@code enrolled}) if given. */
    private TrainingConfig config(ApplicationArguments args) {
        TrainingConfig config = pipeline.defaultConfig();
        if (args.containsOption("people")) {
            PeopleSelection people = PeopleSelection.valueOf(String.join(",", args.getOptionValues("people")));
            config = new TrainingRequest(TrainingRequest.People.of(people), null, null, null, null, null)
                    .applyTo(config);
        }
        return args.containsOption(FROM_BASE) ? config.withFromBase(fromBase(args.getOptionValues(FROM_BASE))) : config;
    }

    /** {@code --from-base} or {@code --from-base=true}: from the base; {@code --from-base=false}: from scratch. */
    private static boolean fromBase(List<String> values) {
        String value = String.join("", values).strip();
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("--from-base must be true or false, not " + value);
    }

    /** Trains and stores a face base; it is in use as soon as it is stored. */
    private void trainBase(BooleanSupplier cancelled, long start) {
        BasePipeline.Result result =
                bases.run(BaseRecipe.STANDARD, pipeline.defaultConfig(), new ConsoleProgress(), cancelled);
        TrainingMetrics metrics = result.metrics().training();
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "base: %d people, test accuracy %.4f, best epoch %d of %d%n",
                result.manifest().people().size(),
                metrics.testAccuracy(),
                metrics.bestEpoch(),
                metrics.epochs());
        if (result.metrics().matchCalibration() != null) {
            System.out.println(
                    "match calibration on unseen people: " + result.metrics().matchCalibration());
        }
        printTimes(metrics, start);
        System.out.println("Stored face base " + result.manifest().version());
    }

    private static void printTimes(TrainingMetrics metrics, long start) {
        System.out.printf(
                Locale.ROOT,
                "data %.1f s, training %.1f s (%.0f images/s), total %.1f s%n",
                metrics.dataSeconds(),
                metrics.trainSeconds(),
                metrics.trainImagesPerSecond(),
                (System.nanoTime() - start) / 1e9);
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }

    /** DJL's console progress bar per epoch, and one line of figures after each. */
    private static final class ConsoleProgress implements TrainingObserver {

        private final ProgressBar bar = new ProgressBar();

        @Override
        public void onStage(TrainingStage stage, String detail) {
            log.info("{}", detail);
        }

        @Override
        public void onBatch(int epoch, int batch, int batches, float loss) {
            if (batch == 1) {
                bar.reset("Epoch " + epoch, batches);
            }
            bar.update(batch, String.format(Locale.ROOT, "loss %.3f", loss));
        }

        @Override
        public void onEpoch(EpochSummary summary) {
            bar.end();
            System.out.println(summary);
        }
    }
}
