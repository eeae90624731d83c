package dev.visage.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.visage.store.ModelRefusedException;
import dev.visage.store.ModelStore;
import dev.visage.store.StoredModel;
import dev.visage.store.TrainedPeople;
import dev.visage.training.TrainingMetrics;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What becomes of a stored candidate, for each promotion mode; the store is a mock. */
class ModelPromotionTest {

    private static final String SERVING = "20250101-000000-000";
    private static final String CANDIDATE = "20250102-000000-000";

    private final ModelStore store = mock(ModelStore.class);
    private final StoredModel loaded = mock(StoredModel.class);
    private final TrainedPeople trainedPeople = mock(TrainedPeople.class);
    private final ModelPromotion promotion = new ModelPromotion(store, new QualityGate(new GateProperties(0.005, 0.5)));

    @BeforeEach
    void servingModelAt99() {
        when(store.currentVersion()).thenReturn(Optional.of(SERVING));
        when(store.metrics(SERVING, TrainingMetrics.class)).thenReturn(QualityGateTest.metrics(0.99));
        when(store.load(CANDIDATE)).thenReturn(loaded);
        when(store.trainedPeople()).thenReturn(trainedPeople);
    }

    @Test
    void aModelTrainedOnPeopleErasedDuringItsJobIsNeverPromoted() {
        candidateScores(0.992);
        when(trainedPeople.onErased(CANDIDATE)).thenReturn(true);

        ModelPromotion.Decision decision = promotion.decide(CANDIDATE, PromotionPolicy.FORCE, () -> true);

        assertThat(decision.promoted()).isFalse();
        assertThat(decision.reason()).contains("trained on people erased since");
        verify(store).reject(eq(CANDIDATE), anyString());
        verify(store, never()).promote(anyString(), anyString());
    }

    private void candidateScores(double accuracy) {
        when(store.metrics(CANDIDATE, TrainingMetrics.class)).thenReturn(QualityGateTest.metrics(accuracy));
    }

    @Test
    void autoPromotesAModelThatPassesTheGateAndItsSelfTest() {
        candidateScores(0.992);

        ModelPromotion.Decision decision = promotion.decide(CANDIDATE, PromotionPolicy.AUTO, () -> true);

        assertThat(decision.promoted()).isTrue();
        assertThat(decision.reason()).startsWith("quality gate passed: ").endsWith("; self-test passed");
        verify(loaded).close();
        verify(store).promote(eq(CANDIDATE), startsWith("quality gate passed"));
    }

    @Test
    void autoKeepsAWeakModelAsARejectedCandidate() {
        candidateScores(0.57);

        ModelPromotion.Decision decision = promotion.decide(CANDIDATE, PromotionPolicy.AUTO, () -> true);

        assertThat(decision.promoted()).isFalse();
        assertThat(decision.reason()).startsWith("not promoted: quality gate: test accuracy 0.5700 is more than");
        verify(store).reject(eq(CANDIDATE), startsWith("quality gate: test accuracy 0.5700"));
        verify(store, never()).promote(anyString(), anyString());
    }

    @Test
    void forcePromotesAWeakModelThatPassesItsSelfTest() {
        candidateScores(0.45);

        ModelPromotion.Decision decision = promotion.decide(CANDIDATE, PromotionPolicy.FORCE, () -> true);

        assertThat(decision.promoted()).isTrue();
        verify(store).load(CANDIDATE);
        verify(store).promote(eq(CANDIDATE), startsWith("forced"));
    }

    @Test
    void evenForceNeverPromotesAModelThatFailsItsSelfTest() {
        candidateScores(0.99);
        when(store.load(CANDIDATE))
                .thenThrow(new ModelRefusedException(CANDIDATE, "self-test: the noise image gave non-finite", null));

        for (PromotionPolicy mode : new PromotionPolicy[] {PromotionPolicy.AUTO, PromotionPolicy.FORCE}) {
            ModelPromotion.Decision decision = promotion.decide(CANDIDATE, mode, () -> true);

            assertThat(decision.promoted()).isFalse();
            assertThat(decision.reason()).contains("it failed its self-test: self-test: the noise image");
        }
        verify(store, never()).promote(anyString(), anyString());
    }

    @Test
    void neverLeavesTheCandidateAloneWithoutLoadingIt() {
        ModelPromotion.Decision decision = promotion.decide(CANDIDATE, PromotionPolicy.NEVER, () -> true);

        assertThat(decision)
                .isEqualTo(new ModelPromotion.Decision(
                        false, "stored as a candidate, as requested " + "(promote: never)"));
        verify(store, never()).load(anyString());
        verify(store, never()).reject(anyString(), anyString());
        verify(store, never()).promote(anyString(), anyString());
    }

    @Test
    void nothingIsPromotedOnceTheLockIsLost() {
        candidateScores(0.995);

        ModelPromotion.Decision decision = promotion.decide(CANDIDATE, PromotionPolicy.FORCE, () -> false);

        assertThat(decision.promoted()).isFalse();
        assertThat(decision.reason()).contains("lost the store's training lock");
        verify(store, never()).promote(anyString(), anyString());
    }
}
