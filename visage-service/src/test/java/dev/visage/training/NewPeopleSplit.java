package dev.visage.training;

import dev.visage.dataset.BaseSplit;
import dev.visage.dataset.DataSplit;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.OutsiderSample;
import java.util.ArrayList;
import java.util.List;

/**
 * The split on which {@link NewPeopleBench} trains a model of new people, as the product trains one from the base,
 * but people-disjoint from what it is tested on: the new people's first K photos train (a fifth of them, at least
 * one, validate), their other photos test; the outsiders are the base's groups, as for every model from the base
 * ({@link DataSplit#withOutsiders}): its own people train, its calibration groups calibrate, its {@code strangerTest}
 * people only measure.
 */
final class NewPeopleSplit {

    private static final double VALIDATION_FRACTION = 0.2;

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
        return DataSplit.withOutsiders(catalog, people, seed, train, validation, test, sample, base);
    }
}
