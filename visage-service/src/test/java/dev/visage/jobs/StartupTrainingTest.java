package dev.visage.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.atMost;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.visage.jobs.TrainingJobView.State;
import dev.visage.store.LockHolder;
import dev.visage.store.ModelStore;
import dev.visage.store.TrainingLock;
import dev.visage.store.TrainingLockedException;
import dev.visage.training.BasePipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class StartupTrainingTest {

    private static final StartupTrainingProperties ON = new StartupTrainingProperties(true);

    private final ModelStore store = mock(ModelStore.class);
    private final TrainingJobs jobs = mock(TrainingJobs.class);
    private final BasePipeline bases = mock(BasePipeline.class);

    @BeforeEach
    void freshService() {
        when(store.root()).thenReturn(Path.of("models"));
        when(store.currentVersion()).thenReturn(Optional.empty());
    }

    @Test
    void trainsWithTheDefaultsWhenThereIsNoModel() {
        when(jobs.submit(TrainingRequest.DEFAULTS)).thenReturn(job(State.QUEUED));

        startup(ON).trainWhenNoModel();

        verify(jobs).submit(TrainingRequest.DEFAULTS);
    }

    @Test
    void trainsTheBaseFirstThenTheModelWhenThereIsNeither() {
        when(bases.neededAndPossible()).thenReturn(true);
        when(jobs.submit(TrainingRequest.BASE)).thenReturn(job(State.QUEUED));
        when(jobs.submit(TrainingRequest.DEFAULTS))
                .thenThrow(TrainingJobConflictException.busy(job(State.RUNNING)))
                .thenReturn(job(State.QUEUED));

        startup(ON).trainWhenNoModel();

        verify(jobs).submit(TrainingRequest.BASE);
        verify(jobs, timeout(5000).times(2)).submit(TrainingRequest.DEFAULTS);
    }

    @Test
    void keepsTheCurrentModel() {
        when(store.currentVersion()).thenReturn(Optional.of("20250101-000000-000"));

        startup(ON).trainWhenNoModel();

        verifyNoInteractions(jobs);
    }

    @Test
    void canBeSwitchedOff() {
        startup(new StartupTrainingProperties(false)).trainWhenNoModel();

        verifyNoInteractions(jobs, store);
    }

    @Test
    void leavesAJobThatGotInFirstRunning() {
        when(jobs.submit(TrainingRequest.DEFAULTS)).thenThrow(TrainingJobConflictException.busy(job(State.RUNNING)));

        startup(ON).trainWhenNoModel();

        verify(jobs).submit(TrainingRequest.DEFAULTS);
    }

    private StartupTraining startup(StartupTrainingProperties properties) {
        return new StartupTraining(properties, store, jobs, bases, Duration.ofMillis(50));
    }

    @Test
    void doesNotTrainAgainWhenTheStoreHoldsVersionsButNoneIsCurrent() {
        when(store.versions()).thenReturn(List.of("20250101-000000-000"));

        startup(ON).trainWhenNoModel();

        verifyNoInteractions(jobs);
    }

    @Test
    void waitsWhileAnotherInstanceTrainsAndTakesOverWhenItsLockIsFree() {
        LockHolder other = new LockHolder("host-b/1/beef", "job-b", Instant.EPOCH, Instant.EPOCH);
        when(jobs.submit(TrainingRequest.DEFAULTS))
                .thenThrow(new TrainingLockedException(other))
                .thenThrow(new TrainingLockedException(other))
                .thenReturn(job(State.QUEUED));
        StartupTraining startup = startup(ON);
        try {
            startup.trainWhenNoModel();

            verify(jobs, timeout(5_000).times(3)).submit(TrainingRequest.DEFAULTS);
        } finally {
            startup.shutdown();
        }
    }

    @Test
    void stopsWaitingOnceAModelIsCurrent() throws InterruptedException {
        LockHolder other = new LockHolder("host-b/1/beef", "job-b", Instant.EPOCH, Instant.EPOCH);
        when(jobs.submit(TrainingRequest.DEFAULTS)).thenThrow(new TrainingLockedException(other));
        StartupTraining startup = startup(ON);
        try {
            startup.trainWhenNoModel();
            when(store.currentVersion()).thenReturn(Optional.of("20250101-000000-000"));
            Thread.sleep(500);

            verify(jobs, atMost(2)).submit(TrainingRequest.DEFAULTS);
        } finally {
            startup.shutdown();
        }
    }

    @Test
    void runsOnlyInTheWebService() {
        new WebApplicationContextRunner()
                .withUserConfiguration(Collaborators.class, StartupTraining.class)
                .run(context -> assertThat(context).hasSingleBean(StartupTraining.class));
        new ApplicationContextRunner()
                .withUserConfiguration(Collaborators.class, StartupTraining.class)
                .run(context -> assertThat(context).doesNotHaveBean(StartupTraining.class));
    }

    @Test
    void isOnByDefaultAndSwitchedByTheEnvironment() {
        assertThat(bind(Map.of()).trainOnStartup()).isTrue();
        assertThat(bind(Map.of("VISAGE_TRAIN_ON_STARTUP", "false")).trainOnStartup())
                .isFalse();
    }

    private static StartupTrainingProperties bind(Map<String, Object> environment) {
        SystemEnvironmentPropertySource source = new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment);
        return new Binder(ConfigurationPropertySources.from(source))
                .bindOrCreate("visage", StartupTrainingProperties.class);
    }

    private static TrainingJobView job(State state) {
        return new TrainingJobView(
                "job-1",
                state,
                false,
                null,
                null,
                null,
                0,
                40,
                0,
                0,
                0,
                null,
                List.of(),
                Instant.EPOCH,
                null,
                null,
                null,
                null);
    }

    @Configuration(proxyBeanMethods = false)
    static class Collaborators {

        @Bean
        StartupTrainingProperties startupTrainingProperties() {
            return ON;
        }

        @Bean
        ModelStore modelStore() {
            return mock(ModelStore.class);
        }

        @Bean
        TrainingJobs trainingJobs() {
            return mock(TrainingJobs.class);
        }

        @Bean
        BasePipeline basePipeline() {
            return mock(BasePipeline.class);
        }

        @Bean
        TrainingLock trainingLock() {
            TrainingLock lock = mock(TrainingLock.class);
            when(lock.heartbeatInterval()).thenReturn(Duration.ofSeconds(10));
            return lock;
        }
    }
}
