package dev.visage.jobs;

import dev.visage.dataset.LfwVariant;
import dev.visage.jobs.TrainingJobView.Result;
import dev.visage.jobs.TrainingJobView.State;
import dev.visage.training.EpochSummary;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingMetrics;
import dev.visage.training.TrainingObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run's state. The training thread writes it through the listener methods and the life-cycle
 * methods, HTTP threads read it through {@link #view()}; all state is guarded by {@code this}, so a view never
 * mixes two moments. The cancellation flag is volatile on its own, as the pipeline polls it after every batch.
 * Logs each stage and each epoch's figures; hands every change on, progress at most once per {@link #PROGRESS_EVERY}.
 */
final class TrainingJob implements TrainingObserver {

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(TrainingJob.class);

    private final String id;
    private final TrainingConfig config;
    private final TrainingRequest settings;
    private final Instant submittedAt;
    private final Consumer<TrainingJobView> changes;
    private long changedNanos;
    private volatile boolean cancelRequested;
    private volatile String lockLost;

    private State state = State.QUEUED;
    private TrainingStage stage;
    private String stageDetail;
    private int decoded;
    private int images;
    private int epoch;
    private int batch;
    private int batches;
    private long trainingStartNanos;
    private Double etaSeconds;
    private final List<EpochSummary> history = new ArrayList<>();
    private Instant startedAt;
    private Instant finishedAt;
    private String error;
    private Result result;

    /** A job running {@code config}, which {@code settings} (every field set) describes. */
    TrainingJob(TrainingConfig config, TrainingRequest settings, Consumer<TrainingJobView> changes) {
        this.id = UUID.randomUUID().toString();
        this.config = config;
        this.settings = settings;
        this.submittedAt = Instant.now();
        this.changes = changes;
    }

    PromotionPolicy promotion() {
        return settings.promotion();
    }

    /** Another instance took the store's training lock: the job stops, as if cancelled, and then fails. */
    void lockLost(String reason) {
        lockLost = reason;
        cancelRequested = true;
    }

    /** Why the job lost the training lock; null while it holds it. */
    String lockLostReason() {
        return lockLost;
    }

    String id() {
        return id;
    }

    TrainingKind kind() {
        return settings.kindOrModel();
    }

    TrainingConfig config() {
        return config;
    }

    LfwVariant variant() {
        return settings.variant();
    }

    boolean isCancelRequested() {
        return cancelRequested;
    }

    /** Moves a queued job to RUNNING; false if it was cancelled before it started. */
    synchronized boolean start() {
        if (state != State.QUEUED) {
            return false;
        }
        state = State.RUNNING;
        startedAt = Instant.now();
        changed(false);
        return true;
    }

    /**
     * Asks the job to stop: a queued job is cancelled at once, a running one when the pipeline next checks.
     *
     * @return false if the job had already finished, and nothing changed
     */
    synchronized boolean requestCancel() {
        if (state.isFinished()) {
            return false;
        }
        cancelRequested = true;
        if (state == State.QUEUED) {
            finish(State.CANCELLED);
        } else {
            changed(false);
        }
        return true;
    }

    synchronized void succeeded(String version, TrainingMetrics metrics, ModelPromotion.Decision decision) {
        result = new Result(
                version,
                metrics.testAccuracy(),
                metrics.balancedAccuracy(),
                metrics.macroF1(),
                decision.promoted(),
                decision.reason());
        finish(State.SUCCEEDED);
    }

    synchronized void failed(String message) {
        error = message;
        finish(State.FAILED);
    }

    synchronized void cancelled() {
        finish(State.CANCELLED);
    }

    private void finish(State finalState) {
        state = finalState;
        finishedAt = Instant.now();
        etaSeconds = null;
        changed(false);
    }

    /** Hands the state on: always, or when only the progress changed, at most once per {@link #PROGRESS_EVERY}. */
    private void changed(boolean progressOnly) {
        if (!progressOnly || System.nanoTime() - changedNanos >= PROGRESS_EVERY.toNanos()) {
            changedNanos = System.nanoTime();
            changes.accept(view());
        }
    }

    synchronized boolean isActive() {
        return !state.isFinished();
    }

    synchronized State state() {
        return state;
    }

    /** How long the job ran; null if it never started. */
    synchronized Duration runTime() {
        return startedAt == null || finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }

    @Override
    public synchronized void onStage(TrainingStage newStage, String detail) {
        if (newStage == TrainingStage.TRAINING) {
            trainingStartNanos = System.nanoTime();
        } else {
            etaSeconds = null;
        }
        stage = newStage;
        stageDetail = detail;
        log.info("Training job {}: {}", id, detail);
        changed(false);
    }

    @Override
    public synchronized void onDecoded(int done, int total) {
        decoded = Math.max(decoded, done);
        images = total;
        changed(true);
    }

    @Override
    public synchronized void onBatch(int batchEpoch, int batchNumber, int batchCount, float loss) {
        epoch = batchEpoch;
        batch = batchNumber;
        batches = batchCount;
        // Elapsed time per share of steps done; it includes the validation passes, like the epochs to come.
        double done = progress();
        etaSeconds = (System.nanoTime() - trainingStartNanos) / 1e9 * (1 - done) / done;
        changed(true);
    }

    @Override
    public synchronized void onEpoch(EpochSummary summary) {
        history.add(summary);
        log.info("Training job {}: {}", id, summary);
        changed(false);
    }

    /**
     * Share of the running stage done, 0..1: of the images while decoding them, of the planned training steps
     * from then on; 1 once the job succeeded (also after an early stop).
     */
    synchronized double progress() {
        if (state == State.SUCCEEDED) {
            return 1;
        }
        if (stage == TrainingStage.DECODING) {
            return images == 0 ? 0 : (double) decoded / images;
        }
        return batches == 0 ? 0 : (epoch - 1 + (double) batch / batches) / config.epochs();
    }

    synchronized TrainingJobView view() {
        return new TrainingJobView(
                id,
                state,
                cancelRequested,
                settings,
                stage,
                stageDetail,
                epoch,
                config.epochs(),
                batch,
                batches,
                progress(),
                etaSeconds,
                List.copyOf(history),
                submittedAt,
                startedAt,
                finishedAt,
                error,
                result);
    }
}
