package dev.visage.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classification quality on a labelled set, as serving would answer its photos: accuracy, balanced accuracy (mean
 * per-person recall), macro-F1, per-person precision / recall / support and the confusion matrix (rows: true
 * person, columns: predicted). A photo where no face was found is answered by nobody: wrong, in no column.
 *
 * @param noFace photos where no face was found; null in the metrics of versions that cropped them from their
 *     centre and classified them instead
 */
public record Evaluation(
        double accuracy,
        double balancedAccuracy,
        double macroF1,
        List<PersonScore> perPerson,
        int[][] confusionMatrix,
        Integer noFace) {

    /** The prediction for a photo where no face was found. */
    public static final int NO_FACE = -1;

    /** Precision, recall and F1 of one person, with the number of test images showing them. */
    public record PersonScore(String person, double precision, double recall, double f1, int support) {}

    /**
     * Scores predictions against truth; {@code people.get(i)} names class i, a prediction of {@link #NO_FACE}
     * names nobody.
     */
    public static Evaluation of(List<String> people, int[] truth, int[] predicted) {
        if (truth.length != predicted.length || truth.length == 0) {
            throw new IllegalArgumentException("Need equally many, and some, labels and predictions");
        }
        int classes = people.size();
        int[][] confusion = new int[classes][classes];
        int[] support = new int[classes];
        int correct = 0;
        int noFace = 0;
        for (int i = 0; i < truth.length; i++) {
            support[truth[i]]++;
            if (predicted[i] == NO_FACE) {
                noFace++;
                continue;
            }
            confusion[truth[i]][predicted[i]]++;
            if (truth[i] == predicted[i]) {
                correct++;
            }
        }
        List<PersonScore> scores = new ArrayList<>();
        double recallSum = 0;
        double f1Sum = 0;
        for (int c = 0; c < classes; c++) {
            int predictedAs = 0;
            for (int k = 0; k < classes; k++) {
                predictedAs += confusion[k][c];
            }
            int hits = confusion[c][c];
            double precision = predictedAs == 0 ? 0 : (double) hits / predictedAs;
            double recall = support[c] == 0 ? 0 : (double) hits / support[c];
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            scores.add(new PersonScore(people.get(c), precision, recall, f1, support[c]));
            recallSum += recall;
            f1Sum += f1;
        }
        return new Evaluation(
                (double) correct / truth.length, recallSum / classes, f1Sum / classes, scores, confusion, noFace);
    }

    /** A fixed-width table of the per-person scores and the summary figures, for the console. */
    public String toTable() {
        int width = Math.max(
                12, perPerson.stream().mapToInt(p -> p.person().length()).max().orElse(0));
        StringBuilder table = new StringBuilder();
        String row = "%-" + width + "s %9s %9s %9s %8s%n";
        table.append(String.format(Locale.ROOT, row, "person", "precision", "recall", "f1", "support"));
        for (PersonScore p : perPerson) {
            table.append(String.format(
                    Locale.ROOT,
                    "%-" + width + "s %9.3f %9.3f %9.3f %8d%n",
                    p.person(),
                    p.precision(),
                    p.recall(),
                    p.f1(),
                    p.support()));
        }
        table.append(String.format(
                Locale.ROOT,
                "%naccuracy %.4f   balanced accuracy %.4f   macro-F1 %.4f   no face found %d%n",
                accuracy,
                balancedAccuracy,
                macroF1,
                noFace == null ? 0 : noFace));
        return table.toString();
    }
}
