package dev.visage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Accuracy, balanced accuracy, macro-F1, per-person scores and the confusion matrix, checked by hand. */
class EvaluationTest {

    private static final List<String> PEOPLE = List.of("Ann", "Ben", "Cat");

    // Supports 4, 2, 4. Confusion (rows truth, columns predicted): Ann [2 1 1], Ben [1 1 0], Cat [0 1 3].
    private static final int[] TRUTH = {0, 0, 0, 0, 1, 1, 2, 2, 2, 2};
    private static final int[] PREDICTED = {0, 0, 1, 2, 1, 0, 2, 2, 2, 1};

    private final Evaluation evaluation = Evaluation.of(PEOPLE, TRUTH, PREDICTED);

    @Test
    void confusionMatrixCountsTruthByRowAndPredictionByColumn() {
        assertThat(evaluation.confusionMatrix()).isDeepEqualTo(new int[][] {{2, 1, 1}, {1, 1, 0}, {0, 1, 3}});
    }

    @Test
    void accuracyIsTheShareOfCorrectPredictions() {
        // 2 + 1 + 3 correct of 10.
        assertThat(evaluation.accuracy()).isCloseTo(0.6, within(1e-12));
    }

    @Test
    void balancedAccuracyIsTheMeanRecallOverPeople() {
        // Recalls 2/4, 1/2, 3/4: unlike the accuracy, Ben's two images weigh as much as Ann's four.
        assertThat(evaluation.balancedAccuracy()).isCloseTo((0.5 + 0.5 + 0.75) / 3, within(1e-12));
    }

    @Test
    void perPersonPrecisionRecallF1AndSupport() {
        List<Evaluation.PersonScore> scores = evaluation.perPerson();

        assertThat(scores).extracting(Evaluation.PersonScore::person).containsExactly("Ann", "Ben", "Cat");
        assertThat(scores).extracting(Evaluation.PersonScore::support).containsExactly(4, 2, 4);
        // Predicted as Ann 3 times (2 right), as Ben 3 times (1 right), as Cat 4 times (3 right).
        assertThat(scores.get(0).precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(scores.get(1).precision()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(scores.get(2).precision()).isCloseTo(0.75, within(1e-12));
        assertThat(scores.get(0).recall()).isCloseTo(0.5, within(1e-12));
        assertThat(scores.get(1).recall()).isCloseTo(0.5, within(1e-12));
        assertThat(scores.get(2).recall()).isCloseTo(0.75, within(1e-12));
        // F1 = 2PR / (P + R): Ann 4/7, Ben 2/5, Cat 3/4.
        assertThat(scores.get(0).f1()).isCloseTo(4.0 / 7, within(1e-12));
        assertThat(scores.get(1).f1()).isCloseTo(0.4, within(1e-12));
        assertThat(scores.get(2).f1()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void macroF1IsTheUnweightedMeanOfPerPersonF1() {
        assertThat(evaluation.macroF1()).isCloseTo((4.0 / 7 + 0.4 + 0.75) / 3, within(1e-12));
    }

    @Test
    void aPersonNeverPredictedScoresZeroPrecisionAndF1WithoutDividingByZero() {
        Evaluation neverBen = Evaluation.of(List.of("Ann", "Ben"), new int[] {0, 0, 1}, new int[] {0, 0, 0});

        Evaluation.PersonScore ben = neverBen.perPerson().get(1);
        assertThat(ben.precision()).isZero();
        assertThat(ben.recall()).isZero();
        assertThat(ben.f1()).isZero();
        assertThat(neverBen.accuracy()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(neverBen.balancedAccuracy()).isCloseTo(0.5, within(1e-12));
        // Ann: precision 2/3, recall 1, F1 0.8; Ben 0.
        assertThat(neverBen.macroF1()).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void aPhotoWithoutAFaceIsAMissForItsPersonAndInNoColumn() {
        Evaluation withNoFace =
                Evaluation.of(List.of("Ann", "Ben"), new int[] {0, 0, 1}, new int[] {0, Evaluation.NO_FACE, 1});

        assertThat(withNoFace.accuracy()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(withNoFace.noFace()).isEqualTo(1);
        Evaluation.PersonScore ann = withNoFace.perPerson().get(0);
        assertThat(ann.support()).isEqualTo(2);
        assertThat(ann.recall()).isEqualTo(0.5);
        assertThat(ann.precision()).isEqualTo(1.0);
        assertThat(withNoFace.confusionMatrix()).isDeepEqualTo(new int[][] {{1, 0}, {0, 1}});
    }

    @Test
    void perfectPredictionsScoreOneEverywhere() {
        Evaluation perfect = Evaluation.of(PEOPLE, TRUTH, TRUTH);

        assertThat(perfect.accuracy()).isEqualTo(1.0);
        assertThat(perfect.balancedAccuracy()).isEqualTo(1.0);
        assertThat(perfect.macroF1()).isEqualTo(1.0);
        assertThat(perfect.confusionMatrix()).isDeepEqualTo(new int[][] {{4, 0, 0}, {0, 2, 0}, {0, 0, 4}});
    }

    @Test
    void refusesMismatchedOrEmptyInput() {
        assertThatThrownBy(() -> Evaluation.of(PEOPLE, new int[] {0, 1}, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Evaluation.of(PEOPLE, new int[0], new int[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tableListsEveryPersonAndTheSummaryFigures() {
        String table = evaluation.toTable();

        assertThat(table).contains("Ann", "Ben", "Cat", "precision", "recall", "support");
        assertThat(table).contains("accuracy 0.6000", "balanced accuracy 0.5833", "macro-F1 0.5738");
        assertThat(table).containsPattern("Ann\\s+0\\.667\\s+0\\.500\\s+0\\.571\\s+4");
    }
}
