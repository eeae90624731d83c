package dev.visage.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A deterministic, per-person stratified split of the selected people's images into training (70%),
 * validation (10%) and test (20%) parts. Saved with each model, so its test figures can be re-checked.
 *
 * @param people names in class order (label i is people[i])
 * @param seed the seed that shuffled each person's images
 */
public record DataSplit(
        List<String> people,
        long seed,
        List<LabeledImage> train,
        List<LabeledImage> validation,
        List<LabeledImage> test) {

    static final double VALIDATION_FRACTION = 0.1;
    static final double TEST_FRACTION = 0.2;

    public DataSplit {
        people = List.copyOf(people);
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    /**
     * Shuffles each person's images with {@code seed} and cuts them 70/10/20, so every part holds every person in
     * proportion. People with fewer than 3 images cannot appear in all three parts and are refused.
     */
    public static DataSplit stratified(LfwCatalog catalog, List<String> people, long seed) {
        Random random = new Random(seed);
        List<LabeledImage> train = new ArrayList<>();
        List<LabeledImage> validation = new ArrayList<>();
        List<LabeledImage> test = new ArrayList<>();
        for (int label = 0; label < people.size(); label++) {
            String person = people.get(label);
            List<String> files = new ArrayList<>(catalog.imagesOf(person));
            if (files.size() < 3) {
                throw new IllegalArgumentException(person + " has " + files.size()
                        + " images; each person needs at least 3 (one per training, validation and test part)");
            }
            Collections.shuffle(files, random);
            int testCount = Math.max(1, (int) Math.round(files.size() * TEST_FRACTION));
            int validationCount = Math.max(1, (int) Math.round(files.size() * VALIDATION_FRACTION));
            for (int i = 0; i < files.size(); i++) {
                LabeledImage image = new LabeledImage(person + "/" + files.get(i), label);
                if (i < testCount) {
                    test.add(image);
                } else if (i < testCount + validationCount) {
                    validation.add(image);
                } else {
                    train.add(image);
                }
            }
        }
        return new DataSplit(people, seed, train, validation, test);
    }

    public int size() {
        return train.size() + validation.size() + test.size();
    }
}
