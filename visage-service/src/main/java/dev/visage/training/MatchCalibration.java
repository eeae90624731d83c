package dev.visage.training;

/**
 * The base's match threshold on the cosine similarity between a face and the nearest enrolled prototype, set on
 * unseen calibration people and strangers, with what it gives there.
 *
 * @param threshold a face at or above it is "someone enrolled"
 * @param right share of the enrolled people's other photos whose nearest prototype is theirs
 * @param knownCorrect share of those named right and accepted at the threshold
 * @param strangersUnknown share of the calibration strangers' photos below the threshold
 * @param auroc how well the similarity tells enrolled people's photos from strangers'
 */
public record MatchCalibration(
        float threshold, double right, double knownCorrect, double strangersUnknown, double auroc) {

    /**
     * @param strangerAcceptance share of the strangers' photos the threshold may still accept (the models' own, see
     *     {@link TrainingConfig.OpenSet#strangerAcceptance})
     */
    static MatchCalibration of(
            int[] truth, PrototypeMatching.Matches known, double[] strangerScores, double strangerAcceptance) {
        double threshold = OpenSetMetrics.calibrate(strangerScores, strangerAcceptance);
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            right += truth[i] == known.predicted()[i] ? 1 : 0;
        }
        return new MatchCalibration(
                (float) threshold,
                (double) right / truth.length,
                OpenSetMetrics.correctAndAccepted(truth, known.predicted(), known.similarity(), threshold),
                1 - OpenSetMetrics.accepted(strangerScores, threshold),
                OpenSetMetrics.auroc(known.similarity(), strangerScores));
    }
}
