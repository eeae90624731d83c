package dev.visage.training;

import dev.visage.dataset.BaseSplit;
import dev.visage.dataset.DataSplit;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.OutsiderSample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The split on which {@link NewPeopleBench} trains a model of new people, as the product trains one, but people-
 * disjoint from what it is tested on: the new people's first K photos train (a fifth of them, at least one,
 * validate), their other photos test; the outsiders that train and calibrate it are the base's own people only
 * (never its {@code newPeopleTest} or {@code strangerTest} people): three quarters shown in training (the most
 * imaged as background classes), a quarter calibrating the threshold; the strangers are every photo of the base's
 * {@code strangerTest} people, who only measure.
 */
final class NewPeopleSplit {

    private static final double VALIDATION_FRACTION = 0.2;
    private static final double OUTLIER_TRAIN_FRACTION = 0.75;

    private NewPeopleSplit() {}

    /**
     * @param people the new people, in class order
     * @param photos each person's photos (paths relative to the LFW folder), shuffled
     * @param k photos of each person to learn from
     */
    static DataSplit of(
            LfwCatalog catalog,
            BaseSplit base,
            List<String> people,
            List<List<String>> photos,
            int k,
            long seed,
            OutsiderSample sample) {
        List<LabeledImage> train = new ArrayList<>();
        List<LabeledImage> validation = new ArrayList<>();
        List<LabeledImage> test = new ArrayList<>();
        int validating = Math.max(1, (int) Math.round(k * VALIDATION_FRACTION));
        for (int label = 0; label < people.size(); label++) {
            List<String> files = photos.get(label);
            for (int i = 0; i < files.size(); i++) {
                LabeledImage image = new LabeledImage(files.get(i), label);
                (i < validating ? validation : i < k ? train : test).add(image);
            }
        }
        List<String> outsiders = new ArrayList<>(base.people());
        Random random = new Random(seed);
        Collections.shuffle(outsiders, random);
        int cut = (int) Math.round(outsiders.size() * OUTLIER_TRAIN_FRACTION);
        List<String> outlierTrain = outsiders.subList(0, cut);
        List<String> outlierValidation = outsiders.subList(cut, outsiders.size());
        List<String> background = outlierTrain.stream()
                .sorted(Comparator.comparingInt(
                                (String person) -> catalog.imagesOf(person).size())
                        .reversed()
                        .thenComparing(Comparator.naturalOrder()))
                .limit(sample.backgroundPeople())
                .toList();
        Set<String> shownAsClasses = new HashSet<>(background);
        List<String> others =
                outlierTrain.stream().filter(p -> !shownAsClasses.contains(p)).toList();
        return new DataSplit(
                people,
                seed,
                train,
                validation,
                test,
                outlierTrain,
                outlierValidation,
                base.strangerTest(),
                background,
                sample(catalog, others, sample.outlierTrainImages(), random),
                sample(catalog, outlierValidation, sample.outlierValidationImages(), random),
                LabeledImage.allOf(catalog, base.strangerTest(), 0).stream()
                        .map(LabeledImage::file)
                        .toList(),
                LabeledImage.allOf(catalog, background, people.size()));
    }

    /** Up to {@code count} photos of the group: one random photo of each person, then a second, and so on. */
    private static List<String> sample(LfwCatalog catalog, List<String> group, int count, Random random) {
        List<List<String>> shuffled = new ArrayList<>();
        for (String person : group) {
            List<String> files = new ArrayList<>(catalog.imagesOf(person));
            Collections.shuffle(files, random);
            shuffled.add(files);
        }
        List<String> images = new ArrayList<>();
        for (int round = 0; images.size() < count; round++) {
            int before = images.size();
            for (int p = 0; p < group.size() && images.size() < count; p++) {
                if (round < shuffled.get(p).size()) {
                    images.add(group.get(p) + "/" + shuffled.get(p).get(round));
                }
            }
            if (images.size() == before) {
                break;
            }
        }
        return images;
    }
}
