package dev.visage.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * One image of the data set.
 *
 * @param file path relative to the LFW folder, e.g. {@code George_W_Bush/George_W_Bush_0001.jpg}
 * @param label class index of the person
 */
public record LabeledImage(String file, int label) {

    /** Every image of {@code people}, person i labelled {@code firstLabel + i}. */
    public static List<LabeledImage> allOf(LfwCatalog catalog, List<String> people, int firstLabel) {
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            for (String file : catalog.imagesOf(people.get(i))) {
                images.add(new LabeledImage(people.get(i) + "/" + file, firstLabel + i));
            }
        }
        return images;
    }
}
