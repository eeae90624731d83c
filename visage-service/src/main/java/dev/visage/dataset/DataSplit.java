package dev.visage.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic split of an LFW folder. The selected people's images are split per person into training (70%),
 * validation (10%) and test (20%) parts. Everybody else is split, as people, into three disjoint groups:
 * outlier-train (60%) shown in training as "someone else", outlier-validation (20%) that calibrates the
 * threshold, and stranger-test (20%) that only measures it (for a model from a face base, the base's groups instead:
 * {@link OutsiderGroups#ofBase}); each group contributes a sample of its images. Saved with each model as
 * {@code split.json}, so its figures can be re-checked.
 *
 * @param people names in class order (label i is people[i])
 * @param seed the seed that shuffled each person's images and the outsiders
 * @param outlierTrain people whose images train the network to answer "someone else"
 * @param outlierValidation people whose images calibrate the threshold
 * @param strangerTest people seen by nothing but the open-set figures
 * @param background the outlier-train people with the most images, who train as classes of their own after the
 *     model's people (background classes: the network learns what tells faces apart, not only these people)
 * @param outlierTrainImages the images sampled from the other outlier-train people, paths relative to the LFW folder
 * @param outlierValidationImages the images sampled from outlier-validation people
 * @param strangerTestImages the images sampled from stranger-test people
 * @param backgroundImages every image of the background people, labelled {@code people.size()} on in
 *     {@code background}'s order
 */
public record DataSplit(
        List<String> people,
        long seed,
        List<LabeledImage> train,
        List<LabeledImage> validation,
        List<LabeledImage> test,
        List<String> outlierTrain,
        List<String> outlierValidation,
        List<String> strangerTest,
        List<String> background,
        List<String> outlierTrainImages,
        List<String> outlierValidationImages,
        List<String> strangerTestImages,
        List<LabeledImage> backgroundImages) {

    /** Images each of the model's people needs: one for each of the training, validation and test parts. */
    public static final int MIN_IMAGES_PER_PERSON = 3;

    static final double VALIDATION_FRACTION = 0.1;
    static final double TEST_FRACTION = 0.2;

    /** The label of an image showing none of the model's people. */
    public static final int OUTSIDER = -1;

    public DataSplit {
        people = List.copyOf(people);
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
        outlierTrain = List.copyOf(outlierTrain);
        outlierValidation = List.copyOf(outlierValidation);
        strangerTest = List.copyOf(strangerTest);
        background = List.copyOf(background);
        outlierTrainImages = List.copyOf(outlierTrainImages);
        outlierValidationImages = List.copyOf(outlierValidationImages);
        strangerTestImages = List.copyOf(strangerTestImages);
        backgroundImages = List.copyOf(backgroundImages);
    }

    /** The split with the outsiders grouped but none of their images sampled. */
    public static DataSplit stratified(LfwCatalog catalog, List<String> people, long seed) {
        return stratified(catalog, people, seed, OutsiderSample.NONE);
    }

    /**
     * Shuffles each person's images with {@code seed} and cuts them 70/10/20, so every part holds every person in
     * proportion; people with fewer than {@link #MIN_IMAGES_PER_PERSON} images cannot appear in all three parts and
     * are refused. Then shuffles everybody else (LFW's people: never an enrolled person who is not selected) with
     * the same seed, cuts them 60/20/20 into the outsider groups and samples each group's images as {@code sample}
     * asks.
     */
    public static DataSplit stratified(LfwCatalog catalog, List<String> people, long seed, OutsiderSample sample) {
        return stratified(catalog, people, seed, sample, null);
    }

    /**
     * The split of {@link #stratified(LfwCatalog, List, long, OutsiderSample)}; with a face base, the outsider groups
     * are the base's (see {@link OutsiderGroups#ofBase}) instead of everybody else cut 60/20/20.
     *
     * @param base the split of the face base the model starts from; null for a model from scratch
     */
    public static DataSplit stratified(
            LfwCatalog catalog, List<String> people, long seed, OutsiderSample sample, BaseSplit base) {
        Random random = new Random(seed);
        List<List<LabeledImage>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int label = 0; label < people.size(); label++) {
            splitPerson(catalog, people.get(label), label, random, parts);
        }
        return withOutsiders(catalog, people, seed, parts.get(2), parts.get(1), parts.get(0), sample, base);
    }

    /**
     * A split of given parts of the people's images, with the outsiders of {@link #stratified}: the background
     * people are the outlier-train people with the most images (ties by name); the outlier-train sample leaves
     * their images out, so it may hold fewer than asked.
     *
     * @param base the split of the face base the model starts from; null for a model from scratch
     */
    public static DataSplit withOutsiders(
            LfwCatalog catalog,
            List<String> people,
            long seed,
            List<LabeledImage> train,
            List<LabeledImage> validation,
            List<LabeledImage> test,
            OutsiderSample sample,
            BaseSplit base) {
        Set<String> selected = new HashSet<>(people);
        Random outsiderRandom = new Random(seed);
        OutsiderGroups groups = base == null
                ? OutsiderGroups.everybodyElse(catalog, selected, outsiderRandom)
                : OutsiderGroups.ofBase(base, selected, outsiderRandom);
        List<String> background = mostImaged(catalog, groups.outlierTrain(), sample.backgroundPeople());
        Set<String> backgroundSet = new HashSet<>(background);
        // Sampled from the whole group, as without background people, so the later groups' samples stay the same.
        List<String> outlierTrainImages =
                sampleImages(catalog, groups.outlierTrain(), sample.outlierTrainImages(), outsiderRandom).stream()
                        .filter(file -> !backgroundSet.contains(file.substring(0, file.indexOf('/'))))
                        .toList();
        return new DataSplit(
                people,
                seed,
                train,
                validation,
                test,
                groups.outlierTrain(),
                groups.outlierValidation(),
                groups.strangerTest(),
                background,
                outlierTrainImages,
                sampleImages(catalog, groups.outlierValidation(), sample.outlierValidationImages(), outsiderRandom),
                sampleImages(catalog, groups.strangerTest(), sample.strangerTestImages(), outsiderRandom),
                LabeledImage.allOf(catalog, background, people.size()));
    }

    /** The {@code count} people of a group with the most images, most first, ties by name. */
    private static List<String> mostImaged(LfwCatalog catalog, List<String> group, int count) {
        return group.stream()
                .sorted(Comparator.comparingInt(
                                (String person) -> catalog.imagesOf(person).size())
                        .reversed()
                        .thenComparing(Comparator.naturalOrder()))
                .limit(count)
                .toList();
    }

    /** Adds one person's shuffled images to the test, validation and training parts (in that order). */
    private static void splitPerson(
            LfwCatalog catalog, String person, int label, Random random, List<List<LabeledImage>> parts) {
        List<String> files = new ArrayList<>(catalog.imagesOf(person));
        if (files.size() < MIN_IMAGES_PER_PERSON) {
            throw new IllegalArgumentException(person + " has " + files.size() + " images; each person needs at least "
                    + MIN_IMAGES_PER_PERSON + " (one per training, validation and test part)");
        }
        Collections.shuffle(files, random);
        int testCount = Math.max(1, (int) Math.round(files.size() * TEST_FRACTION));
        int validationCount = Math.max(1, (int) Math.round(files.size() * VALIDATION_FRACTION));
        for (int i = 0; i < files.size(); i++) {
            int part = i < testCount ? 0 : i < testCount + validationCount ? 1 : 2;
            parts.get(part).add(new LabeledImage(person + "/" + files.get(i), label));
        }
    }

    /**
     * Up to {@code count} images of a group, as many people as possible: one random image of every person in
     * the group's (shuffled) order, then a second one of those who have more, and so on.
     */
    private static List<String> sampleImages(LfwCatalog catalog, List<String> group, int count, Random random) {
        List<List<String>> remaining = new ArrayList<>();
        for (String person : group) {
            List<String> files = new ArrayList<>(catalog.imagesOf(person));
            Collections.shuffle(files, random);
            remaining.add(files);
        }
        List<String> images = new ArrayList<>(count);
        for (int round = 0; images.size() < count; round++) {
            boolean any = false;
            for (int p = 0; p < group.size() && images.size() < count; p++) {
                if (round < remaining.get(p).size()) {
                    images.add(group.get(p) + "/" + remaining.get(p).get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return images;
    }

    /** A line for the log: how many people and images each part holds. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "%d people, %d images: %d train, %d validation, %d test; outsiders: %d people, %d images, of which"
                        + " %d background people with %d images",
                people.size(),
                size(),
                train.size(),
                validation.size(),
                test.size(),
                outlierTrain.size() + outlierValidation.size() + strangerTest.size(),
                outsiderImageCount(),
                background.size(),
                backgroundImages.size());
    }

    /** Images of the model's people. */
    public int size() {
        return train.size() + validation.size() + test.size();
    }

    /** Images sampled from the people outside the model, the background people's included. */
    public int outsiderImageCount() {
        return backgroundImages.size()
                + outlierTrainImages.size()
                + outlierValidationImages.size()
                + strangerTestImages.size();
    }
}
