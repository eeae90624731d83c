package dev.visage.training;

/**
 * A base's {@code metrics.json}.
 *
 * @param training what training measured on the base people's own test part (as a classifier over them)
 * @param matchCalibration the match threshold and what it gives on the calibration groups; null when the split had
 *     none
 */
public record BaseMetrics(TrainingMetrics training, MatchCalibration matchCalibration) {}
