package dev.visage.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The people-disjoint partition of an LFW folder for the face base, saved with each base as {@code split.json}. It
 * depends only on the folder and the excluded people (the default model's), never on a model's seed: the base
 * trains on {@code people}; {@code newPeopleTest} and {@code strangerTest} are held out for the benchmark and the
 * stranger figures, and nothing is trained or tuned on them; the two calibration groups, also unseen, tune the base's
 * match threshold. The groups are drawn, in this order, from the people not excluded, shuffled with {@link #SEED}.
 *
 * @param seed the seed that shuffled the people
 * @param excluded the people left out entirely (the default model's people)
 * @param people the people the base trains on, in class order: everybody left with at least
 *     {@value #MIN_BASE_PHOTOS} photos
 * @param newPeopleTest up to {@value #NEW_PEOPLE} people with at least {@value #NEW_PEOPLE_MIN_PHOTOS} photos, never
 *     seen, for the new-people benchmark
 * @param calibrationPeople up to {@value #CALIBRATION_PEOPLE} people with at least {@value #CALIBRATION_MIN_PHOTOS}
 *     photos, never trained on, enrolled to calibrate the match threshold
 * @param strangerTest up to {@value #STRANGERS} people with fewer than {@value #MIN_BASE_PHOTOS} photos, never seen,
 *     that only measure how strangers are answered
 * @param calibrationStrangers up to {@value #CALIBRATION_STRANGERS} other such people, the strangers the match threshold is
 *     calibrated on
 */
public record BaseSplit(
        long seed,
        List<String> excluded,
        List<String> people,
        List<String> newPeopleTest,
        List<String> calibrationPeople,
        List<String> strangerTest,
        List<String> calibrationStrangers) {

    /** The partition's own seed, independent of every model's. */
    public static final long SEED = 28;

    static final int MIN_BASE_PHOTOS = 4;
    static final int NEW_PEOPLE = 26;
    static final int NEW_PEOPLE_MIN_PHOTOS = 20;
    static final int CALIBRATION_PEOPLE = 10;
    static final int CALIBRATION_MIN_PHOTOS = 10;
    static final int STRANGERS = 150;
    /** Enough strangers that the threshold's few-percent tail rests on dozens of photos, not a handful. */
    static final int CALIBRATION_STRANGERS = 1000;

    public BaseSplit {
        excluded = List.copyOf(excluded);
        people = List.copyOf(people);
        newPeopleTest = List.copyOf(newPeopleTest);
        calibrationPeople = List.copyOf(calibrationPeople);
        strangerTest = List.copyOf(strangerTest);
        calibrationStrangers = List.copyOf(calibrationStrangers);
    }

    /**
     * Partitions {@code catalog}'s people outside {@code excluded}; the same folder and exclusions always give the
     * same partition.
     */
    public static BaseSplit of(LfwCatalog catalog, List<String> excluded) {
        Set<String> left = new HashSet<>(catalog.people());
        excluded.forEach(left::remove);
        List<String> shuffled =
                new ArrayList<>(catalog.people().stream().filter(left::contains).toList());
        Collections.shuffle(shuffled, new Random(SEED));
        Predicate<String> few = person -> catalog.imagesOf(person).size() < MIN_BASE_PHOTOS;
        List<String> newPeople = take(shuffled, left, NEW_PEOPLE, photos(catalog, NEW_PEOPLE_MIN_PHOTOS));
        List<String> calibration = take(shuffled, left, CALIBRATION_PEOPLE, photos(catalog, CALIBRATION_MIN_PHOTOS));
        List<String> strangers = take(shuffled, left, STRANGERS, few);
        List<String> calibrationStrangers = take(shuffled, left, CALIBRATION_STRANGERS, few);
        List<String> people = catalog.people().stream()
                .filter(left::contains)
                .filter(few.negate())
                .toList();
        if (people.size() < 2) {
            throw new IllegalArgumentException("The face base needs at least 2 people with " + MIN_BASE_PHOTOS
                    + " or more photos outside the model's people; " + catalog.root() + " has " + people.size());
        }
        return new BaseSplit(SEED, excluded, people, newPeople, calibration, strangers, calibrationStrangers);
    }

    private static Predicate<String> photos(LfwCatalog catalog, int minimum) {
        return person -> catalog.imagesOf(person).size() >= minimum;
    }

    /** Takes up to {@code count} people of {@code left} that match, in shuffled order, and removes them from it. */
    private static List<String> take(List<String> shuffled, Set<String> left, int count, Predicate<String> matches) {
        List<String> taken = shuffled.stream()
                .filter(left::contains)
                .filter(matches)
                .limit(count)
                .toList();
        taken.forEach(left::remove);
        return taken;
    }
}
