package dev.visage.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.visage.dataset.LfwProperties;
import dev.visage.dataset.LfwVariant;
import dev.visage.jobs.TrainingJobView.State;
import dev.visage.network.NetworkConfig;
import dev.visage.store.LockHolder;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelPromotedEvent;
import dev.visage.store.ModelStore;
import dev.visage.store.TrainingLockedException;
import dev.visage.training.BaseMetrics;
import dev.visage.training.BasePipeline;
import dev.visage.training.BaseRecipe;
import dev.visage.training.EpochSummary;
import dev.visage.training.NoFaceBaseException;
import dev.visage.training.TrainingCancelledException;
import dev.visage.training.TrainingConfig;
import dev.visage.training.TrainingMetrics;
import dev.visage.training.TrainingObserver;
import dev.visage.training.TrainingObserver.TrainingStage;
import dev.visage.training.TrainingPipeline;
import dev.visage.training.TrainingProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.stubbing.Answer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.core.task.support.ExecutorServiceAdapter;

@ExtendWith(OutputCaptureExtension.class)
class TrainingJobsTest {

    private static final TrainingConfig DEFAULTS = new Binder()
            .bindOrCreate("visage.training", TrainingProperties.class)
            .toConfig(NetworkConfig.SEED);
    private static final LfwProperties LFW = new LfwProperties(Path.of("lfw"), LfwVariant.DEEPFUNNELED, false, null);
    private static final ModelManifest MANIFEST = new ModelManifest(
            ModelManifest.FORMAT,
            "20250101-000000-000",
            List.of("Ann", "Bob"),
            NetworkConfig.SEED,
            null,
            Instant.EPOCH,
            Map.of(),
            null,
            0,
            null,
            null,
            null);
    private static final TrainingPipeline.Result RESULT = new TrainingPipeline.Result(
            MANIFEST, new TrainingMetrics(0.9, 0.8, 0.7, null, 0.85, 3, 4, 100, 1000, 1, null, 2, 50, List.of(), null));

    private static final ModelPromotion.Decision PROMOTED =
            new ModelPromotion.Decision(true, "quality gate passed: test accuracy 0.9000 reaches the floor");

    private final TrainingPipeline pipeline = mock(TrainingPipeline.class);
    private final BasePipeline bases = mock(BasePipeline.class);
    private final ModelPromotion promotion = mock(ModelPromotion.class);
    private final JobLocks locks = mock(JobLocks.class);
    private final JobLocks.Held held = mock(JobLocks.Held.class);
    private final AtomicReference<Runnable> onLockLost = new AtomicReference<>();
    private final ApplicationEventPublisher events = mock(ApplicationEventPublisher.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @TempDir
    private Path storeFolder;

    private ModelStore store;

    @BeforeEach
    void defaults() {
        store = new ModelStore(storeFolder, 3);
        when(pipeline.defaultConfig()).thenReturn(DEFAULTS);
        when(promotion.decide(any(), any(), any())).thenReturn(PROMOTED);
        when(locks.acquire(anyString(), any())).thenAnswer(invocation -> {
            onLockLost.set(invocation.getArgument(1));
            return held;
        });
        when(held.isHeld()).thenReturn(true);
    }

    @AfterEach
    void stopThread() throws InterruptedException {
        release.countDown();
        thread.shutdownNow();
        // The job's last state goes into the store's folder, which is deleted after this.
        assertThat(thread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aBaseJobTrainsTheFaceBaseWithItsRecipeAndPromotesNothing() {
        when(bases.run(any(), any(), any(), any()))
                .thenReturn(new BasePipeline.Result(MANIFEST, new BaseMetrics(RESULT.metrics(), null)));

        TrainingJobView job = inline().submit(TrainingRequest.BASE);

        assertThat(job.state()).isEqualTo(State.SUCCEEDED);
        assertThat(job.settings().kind()).isEqualTo(TrainingKind.BASE);
        assertThat(job.settings().epochs()).isEqualTo(BaseRecipe.STANDARD.epochs());
        assertThat(job.settings().learningRate()).isEqualTo(BaseRecipe.STANDARD.learningRate());
        assertThat(job.result().modelVersion()).isEqualTo(MANIFEST.version());
        assertThat(job.result().promoted()).isFalse();
        verify(bases).run(eq(BaseRecipe.STANDARD), any(), any(), any());
        verify(pipeline, never()).run(any(), any(), any(), any());
        verifyNoInteractions(promotion, events);
    }

    @Test
    void aJobFromTheFaceBaseIsRefusedBeforeItIsQueuedWhenNoBaseIsStored() {
        when(pipeline.baseFor(argThat(config -> Boolean.TRUE.equals(config.fromBase()))))
                .thenThrow(new NoFaceBaseException());
        when(pipeline.run(any(), any(), any(), any())).thenReturn(RESULT);
        TrainingJobs jobs = inline();
        TrainingRequest fromBase = new TrainingRequest(null, 2, null, null, null, null, null, null, true);

        assertThatExceptionOfType(NoFaceBaseException.class).isThrownBy(() -> jobs.submit(fromBase));

        assertThat(jobs.recent()).isEmpty();
        verifyNoInteractions(locks);
        assertThat(jobs.submit(new TrainingRequest(null, 2, null, null, null, null))
                        .settings()
                        .fromBase())
                .isNull();
    }

    @Test
    void succeededJobPublishesTheStoredModelAndReportsItsFigures() {
        EpochSummary epoch = new EpochSummary(1, 2, 1.5f, 0.4f, 0.5f, 0.003f, 1, 1);
        when(pipeline.run(any(), any(), any(), any())).thenAnswer(run((listener, cancelled) -> {
            listener.onStage(TrainingStage.TRAINING, "Training");
            listener.onBatch(1, 1, 1, 1.5f);
            listener.onEpoch(epoch);
            return RESULT;
        }));

        TrainingJobView job = inline().submit(new TrainingRequest(null, 2, null, null, null, LfwVariant.ORIGINAL));

        assertThat(job.state()).isEqualTo(State.SUCCEEDED);
        assertThat(job.result())
                .isEqualTo(new TrainingJobView.Result(MANIFEST.version(), 0.9, 0.8, 0.7, true, PROMOTED.reason()));
        assertThat(job.history()).containsExactly(epoch);
        assertThat(job.progress()).isEqualTo(1);
        assertThat(job.startedAt()).isNotNull();
        assertThat(job.finishedAt()).isAfterOrEqualTo(job.startedAt());
        assertThat(job.settings())
                .isEqualTo(new TrainingRequest(
                        new TrainingRequest.People(10, null, false),
                        2,
                        64,
                        0.003f,
                        42L,
                        LfwVariant.ORIGINAL,
                        PromotionPolicy.AUTO,
                        TrainingKind.MODEL,
                        null));
        verify(promotion).decide(eq(MANIFEST.version()), eq(PromotionPolicy.AUTO), any());
        verify(events).publishEvent(new ModelPromotedEvent(MANIFEST));
        verify(locks).acquire(eq(job.id()), any());
        verify(held).close();
        assertThat(meters.get("visage.training.jobs")
                        .tag("outcome", "succeeded")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("visage.training.duration")
                        .tag("outcome", "succeeded")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void runsWithTheRequestedOverridesAndVariant() {
        when(pipeline.run(any(), any(), any(), any())).thenReturn(RESULT);

        inline().submit(new TrainingRequest(null, 3, 16, null, null, LfwVariant.FUNNELED));

        TrainingConfig expected = new TrainingRequest(null, 3, 16, null, null, null).applyTo(DEFAULTS);
        verify(pipeline).run(eq(expected), eq(LfwVariant.FUNNELED), any(), any());
    }

    @Test
    void failedJobKeepsTheErrorAndLogsItOnce(CapturedOutput output) {
        when(pipeline.run(any(), any(), any(), any())).thenThrow(new IllegalStateException("No such person: Zed"));

        TrainingJobView job = inline().submit(TrainingRequest.DEFAULTS);

        assertThat(job.state()).isEqualTo(State.FAILED);
        assertThat(job.error()).isEqualTo("No such person: Zed");
        assertThat(job.result()).isNull();
        verifyNoInteractions(events);
        assertThat(meters.get("visage.training.jobs")
                        .tag("outcome", "failed")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(output.getOut().split("Training job " + job.id() + " failed", -1))
                .hasSize(2);
        assertThat(output.getOut()).contains("java.lang.IllegalStateException: No such person: Zed");
    }

    @Test
    void runningJobShowsItsProgress() throws InterruptedException {
        TrainingJobs jobs = onThread();
        when(pipeline.run(any(), any(), any(), any())).thenAnswer(run((listener, cancelled) -> {
            listener.onStage(TrainingStage.TRAINING, "Training up to 80 epochs");
            listener.onBatch(2, 1, 4, 0.9f);
            return awaitRelease();
        }));

        String id = jobs.submit(TrainingRequest.DEFAULTS).id();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        TrainingJobView job = jobs.find(id).orElseThrow();

        assertThat(job.state()).isEqualTo(State.RUNNING);
        assertThat(job.stage()).isEqualTo(TrainingStage.TRAINING);
        assertThat(job.stageDetail()).isEqualTo("Training up to 80 epochs");
        // 80 epochs: the configured default.
        assertThat(List.of(job.epoch(), job.epochs(), job.batch(), job.batches()))
                .containsExactly(2, 80, 1, 4);
        assertThat(job.progress()).isEqualTo(1.25 / 80);
        assertThat(job.etaSeconds()).isNotNull().isNotNegative();
        assertThat(meters.get("visage.training.progress").gauge().value()).isEqualTo(1.25 / 80);
    }

    @Test
    void decodingJobShowsHowManyImagesAreDone() throws InterruptedException {
        TrainingJobs jobs = onThread();
        when(pipeline.run(any(), any(), any(), any())).thenAnswer(run((listener, cancelled) -> {
            listener.onStage(TrainingStage.DECODING, "Decoding and framing 120 images");
            // Decoding threads may report out of order: the highest count stands.
            listener.onDecoded(30, 120);
            listener.onDecoded(29, 120);
            return awaitRelease();
        }));

        String id = jobs.submit(TrainingRequest.DEFAULTS).id();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        TrainingJobView job = jobs.find(id).orElseThrow();

        assertThat(job.stage()).isEqualTo(TrainingStage.DECODING);
        assertThat(job.stageDetail()).isEqualTo("Decoding and framing 120 images");
        assertThat(job.progress()).isEqualTo(0.25);
        assertThat(meters.get("visage.training.progress").gauge().value()).isEqualTo(0.25);
    }

    @Test
    void logsEveryStageAndEpoch(CapturedOutput output) {
        when(pipeline.run(any(), any(), any(), any())).thenAnswer(run((listener, cancelled) -> {
            listener.onStage(TrainingStage.DECODING, "Decoding and framing 120 images");
            listener.onStage(TrainingStage.TRAINING, "Training up to 2 epochs");
            listener.onEpoch(new EpochSummary(1, 2, 1.5f, 0.4f, 0.5f, 0.003f, 1, 12));
            return RESULT;
        }));

        String id = inline().submit(TrainingRequest.DEFAULTS).id();

        assertThat(output.getOut())
                .contains("Training job " + id + ": Decoding and framing 120 images")
                .contains("Training job " + id + ": Training up to 2 epochs")
                .contains("Training job " + id + ": epoch   1/2  loss 1.5000  train acc 0.4000  val acc 0.5000"
                        + "  lr 0.00300  1.0 s  ETA 12 s");
    }

    @Test
    void secondJobIsRefusedWhileOneRuns() throws InterruptedException {
        TrainingJobs jobs = onThread();
        when(pipeline.run(any(), any(), any(), any())).thenAnswer(run((listener, cancelled) -> awaitRelease()));
        String id = jobs.submit(TrainingRequest.DEFAULTS).id();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        assertThatExceptionOfType(TrainingJobConflictException.class)
                .isThrownBy(() -> jobs.submit(TrainingRequest.DEFAULTS))
                .satisfies(conflict -> assertThat(conflict.problem().properties())
                        .containsExactly(entry("jobId", id), entry("state", State.RUNNING)));
        assertThat(jobs.recent()).extracting(TrainingJobView::id).containsExactly(id);
    }

    @Test
    void cancelledRunningJobStopsWithoutStoring() throws InterruptedException {
        TrainingJobs jobs = onThread();
        when(pipeline.run(any(), any(), any(), any())).thenAnswer(run((listener, cancelled) -> {
            running.countDown();
            while (!cancelled.getAsBoolean()) {
                Thread.sleep(1);
            }
            throw new TrainingCancelledException();
        }));
        String id = jobs.submit(TrainingRequest.DEFAULTS).id();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        TrainingJobView requested = jobs.cancel(id).orElseThrow();
        awaitIdle();

        assertThat(requested.cancelRequested()).isTrue();
        assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(State.CANCELLED);
        verifyNoInteractions(events);
        assertThat(meters.get("visage.training.jobs")
                        .tag("outcome", "cancelled")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("visage.training.duration")
                        .tag("outcome", "cancelled")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void cancelledQueuedJobNeverStarts() throws InterruptedException {
        TrainingJobs jobs = onThread();
        thread.execute(this::awaitRelease);
        String id = jobs.submit(TrainingRequest.DEFAULTS).id();
        assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(State.QUEUED);

        TrainingJobView cancelled = jobs.cancel(id).orElseThrow();
        release.countDown();
        awaitIdle();

        assertThat(cancelled.state()).isEqualTo(State.CANCELLED);
        assertThat(cancelled.startedAt()).isNull();
        assertThat(cancelled.finishedAt()).isNotNull();
        verify(pipeline, never()).run(any(), any(), any(), any());
        assertThat(meters.get("visage.training.jobs")
                        .tag("outcome", "cancelled")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("visage.training.duration")
                        .tag("outcome", "cancelled")
                        .timer()
                        .count())
                .isZero();
    }

    @Test
    void finishedJobCannotBeCancelled() {
        when(pipeline.run(any(), any(), any(), any())).thenReturn(RESULT);
        TrainingJobs jobs = inline();
        String id = jobs.submit(TrainingRequest.DEFAULTS).id();

        assertThatExceptionOfType(TrainingJobConflictException.class)
                .isThrownBy(() -> jobs.cancel(id))
                .satisfies(conflict -> assertThat(conflict.problem().properties())
                        .containsExactly(entry("jobId", id), entry("state", State.SUCCEEDED)));
        assertThat(jobs.find(id).orElseThrow().cancelRequested()).isFalse();
    }

    @Test
    void unknownJobIsNotFound() {
        TrainingJobs jobs = inline();

        assertThat(jobs.find("nope")).isEmpty();
        assertThat(jobs.cancel("nope")).isEmpty();
    }

    @Test
    void keepsTheNewestJobsNewestFirst() {
        when(pipeline.run(any(), any(), any(), any())).thenReturn(RESULT);
        TrainingJobs jobs = inline();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= TrainingJobs.KEPT_JOBS; i++) {
            ids.add(0, jobs.submit(TrainingRequest.DEFAULTS).id());
        }

        assertThat(jobs.recent())
                .extracting(TrainingJobView::id)
                .containsExactlyElementsOf(ids.subList(0, TrainingJobs.KEPT_JOBS));
        assertThat(jobs.find(ids.get(TrainingJobs.KEPT_JOBS))).isEmpty();
    }

    @Test
    void aModelThatIsNotPromotedIsNotAnnouncedAndTheResultSaysWhy() {
        when(pipeline.run(any(), any(), any(), any())).thenReturn(RESULT);
        String reason = "not promoted: quality gate: test accuracy 0.4500 is more than 0.0050 below the serving "
                + "model 20240101-000000-000's 0.9900";
        when(promotion.decide(any(), any(), any())).thenReturn(new ModelPromotion.Decision(false, reason));

        TrainingJobView job = inline().submit(
                        new TrainingRequest(null, 3, null, null, null, null, PromotionPolicy.NEVER, null, null));

        assertThat(job.state()).isEqualTo(State.SUCCEEDED);
        assertThat(job.result().promoted()).isFalse();
        assertThat(job.result().promotion()).isEqualTo(reason);
        assertThat(job.settings().promote()).isEqualTo(PromotionPolicy.NEVER);
        verify(promotion).decide(eq(MANIFEST.version()), eq(PromotionPolicy.NEVER), any());
        verifyNoInteractions(events);
    }

    @Test
    void aJobNeedsTheStoreWideLock() {
        LockHolder other = new LockHolder("host-b/7/cafe", "job-b", Instant.EPOCH, Instant.EPOCH);
        when(locks.acquire(anyString(), any())).thenThrow(new TrainingLockedException(other));
        TrainingJobs jobs = inline();

        assertThatExceptionOfType(TrainingLockedException.class)
                .isThrownBy(() -> jobs.submit(TrainingRequest.DEFAULTS))
                .satisfies(e -> assertThat(e.holder()).isEqualTo(other));
        assertThat(jobs.recent()).isEmpty();
        verifyNoInteractions(events);
        verify(pipeline, never()).run(any(), any(), any(), any());
    }

    @Test
    void aJobThatLosesTheLockStopsAndFailsWithoutPromoting() throws InterruptedException {
        TrainingJobs jobs = onThread();
        when(pipeline.run(any(), any(), any(), any())).thenAnswer(run((listener, cancelled) -> {
            running.countDown();
            while (!cancelled.getAsBoolean()) {
                Thread.sleep(1);
            }
            throw new TrainingCancelledException();
        }));
        String id = jobs.submit(TrainingRequest.DEFAULTS).id();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        onLockLost.get().run();
        awaitIdle();

        TrainingJobView job = jobs.find(id).orElseThrow();
        assertThat(job.state()).isEqualTo(State.FAILED);
        assertThat(job.error()).contains("took over the model store's training lock");
        verify(promotion, never()).decide(any(), any(), any());
        verify(held).close();
    }

    @Test
    void everyInstanceSharingTheStoreSeesAJobThroughItsLifeAndCanCancelIt() throws InterruptedException {
        TrainingJobs jobs = onThread();
        when(pipeline.run(any(), any(), any(), any())).thenAnswer(run((listener, cancelled) -> {
            listener.onStage(TrainingStage.TRAINING, "Training up to 80 epochs");
            running.countDown();
            while (!cancelled.getAsBoolean()) {
                Thread.sleep(5);
            }
            throw new TrainingCancelledException();
        }));
        TrainingJobs other = otherInstance();

        String id = jobs.submit(TrainingRequest.DEFAULTS).id();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        TrainingJobView seen = other.find(id).orElseThrow();
        assertThat(seen.state()).isEqualTo(State.RUNNING);
        assertThat(seen.stageDetail()).isEqualTo("Training up to 80 epochs");
        assertThat(seen.settings()).isEqualTo(jobs.find(id).orElseThrow().settings());
        assertThat(other.recent()).extracting(TrainingJobView::id).containsExactly(id);

        assertThat(other.cancel(id).orElseThrow().cancelRequested()).isTrue();
        awaitIdle();

        assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(State.CANCELLED);
        assertThat(other.find(id).orElseThrow().state()).isEqualTo(State.CANCELLED);
        assertThatExceptionOfType(TrainingJobConflictException.class).isThrownBy(() -> other.cancel(id));
        assertThat(other.find("no-such-job")).isEmpty();
    }

    @Test
    void aJobWhoseInstanceDiedFailsWhenItsLockIsTakenOver() {
        // The dead instance's job, as it last wrote it: running.
        SharedJobs dead = new SharedJobs(store);
        TrainingJob orphan = new TrainingJob(
                DEFAULTS,
                TrainingRequest.of(DEFAULTS, LfwVariant.DEEPFUNNELED, PromotionPolicy.AUTO, TrainingKind.MODEL),
                dead::publish);
        orphan.start();
        when(held.takenOverFrom()).thenReturn(Optional.of(orphan.id()));
        when(pipeline.run(any(), any(), any(), any())).thenReturn(RESULT);

        TrainingJobs jobs = inline();
        assertThat(jobs.find(orphan.id()).orElseThrow().state()).isEqualTo(State.RUNNING);
        jobs.submit(TrainingRequest.DEFAULTS);

        TrainingJobView lost = otherInstance().find(orphan.id()).orElseThrow();
        assertThat(lost.state()).isEqualTo(State.FAILED);
        assertThat(lost.error()).startsWith("instance lost");
        assertThat(lost.finishedAt()).isNotNull();
        assertThat(jobs.recent()).hasSize(2);
    }

    @Test
    void aJobRefusedAtShutdownIsCancelledForTheOtherInstancesToo() {
        TrainingJobs jobs = onThread();
        thread.shutdown();

        assertThatExceptionOfType(RejectedExecutionException.class)
                .isThrownBy(() -> jobs.submit(TrainingRequest.DEFAULTS));

        assertThat(otherInstance().recent())
                .singleElement()
                .extracting(TrainingJobView::state)
                .isEqualTo(State.CANCELLED);
        verify(held).close();
    }

    /** Jobs that run to the end inside {@code submit}. */
    private TrainingJobs inline() {
        return new TrainingJobs(
                work(), LFW, locks, meters, new SharedJobs(store), new ExecutorServiceAdapter(new SyncTaskExecutor()));
    }

    private TrainingJobs onThread() {
        return new TrainingJobs(work(), LFW, locks, meters, new SharedJobs(store), thread);
    }

    /** Another instance sharing the store, which runs no job. */
    private TrainingJobs otherInstance() {
        return new TrainingJobs(work(), LFW, locks, new SimpleMeterRegistry(), new SharedJobs(store), thread);
    }

    private JobWork work() {
        return new JobWork(pipeline, bases, promotion, events);
    }

    private void awaitIdle() throws InterruptedException {
        thread.shutdown();
        assertThat(thread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    /** Signals {@link #running}, then blocks until the test releases it. */
    private TrainingPipeline.Result awaitRelease() {
        running.countDown();
        try {
            assertThat(release.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return RESULT;
    }

    private static Answer<TrainingPipeline.Result> run(FakeRun body) {
        return invocation -> body.run(invocation.getArgument(2), invocation.getArgument(3));
    }

    private interface FakeRun {
        TrainingPipeline.Result run(TrainingObserver listener, BooleanSupplier cancelled) throws InterruptedException;
    }
}
