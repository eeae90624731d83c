package dev.visage.dataset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The people outside a model, in the three groups its split draws outsider images from: outliers it trains on,
 * outliers that calibrate its threshold, strangers that only measure it.
 */
record OutsiderGroups(List<String> outlierTrain, List<String> outlierValidation, List<String> strangerTest) {

    private static final double OUTLIER_TRAIN_FRACTION = 0.6;
    private static final double OUTLIER_VALIDATION_FRACTION = 0.2;

    /** Everybody in LFW but the model's people, shuffled with {@code random} and cut 60/20/20. */
    static OutsiderGroups everybodyElse(LfwCatalog catalog, Set<String> selected, Random random) {
        List<String> outsiders = new ArrayList<>(catalog.people().stream()
                .filter(name -> !selected.contains(name))
                .toList());
        Collections.shuffle(outsiders, random);
        int trainEnd = (int) Math.round(outsiders.size() * OUTLIER_TRAIN_FRACTION);
        int validationEnd = trainEnd + (int) Math.round(outsiders.size() * OUTLIER_VALIDATION_FRACTION);
        return new OutsiderGroups(
                outsiders.subList(0, trainEnd),
                outsiders.subList(trainEnd, validationEnd),
                outsiders.subList(validationEnd, outsiders.size()));
    }

    /**
     * A face base's groups, so that a model from the base is as people-disjoint as the base: the base's people
     * (whom its trunk learned) train, its calibration people and strangers (never seen) calibrate, its stranger-test
     * people only measure, and its new-people group is nobody's. The model's own people are in none of them.
     */
    static OutsiderGroups ofBase(BaseSplit base, Set<String> selected, Random random) {
        List<String> outlierTrain = new ArrayList<>(without(base.people(), selected));
        Collections.shuffle(outlierTrain, random);
        List<String> calibration = new ArrayList<>(base.calibrationPeople());
        calibration.addAll(base.calibrationStrangers());
        return new OutsiderGroups(outlierTrain, without(calibration, selected), without(base.strangerTest(), selected));
    }

    private static List<String> without(Collection<String> group, Set<String> selected) {
        return group.stream().filter(person -> !selected.contains(person)).toList();
    }
}
