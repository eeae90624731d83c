package dev.visage.training;

import dev.visage.dataset.LfwImages;
import dev.visage.store.Probe;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks a model's self-test probes from its test part: a few faces of each person, those the model named right
 * first, as the network saw them (cropped and scaled, before normalisation).
 */
final class ProbeSelection {

    /** Faces per person that every load of the model checks. */
    static final int PER_PERSON = 3;

    private ProbeSelection() {}

    /**
     * @param test the test part, decoded without margin
     * @param predicted the class the model gave each test image, in order
     * @param classes how many people the model tells apart
     */
    static List<Probe> select(LfwImages test, int[] predicted, int classes) {
        int[] truth = test.classes();
        List<Probe> probes = new ArrayList<>();
        for (int person = 0; person < classes; person++) {
            List<Integer> chosen = new ArrayList<>();
            for (boolean right : new boolean[] {true, false}) {
                for (int i = 0; i < truth.length && chosen.size() < PER_PERSON; i++) {
                    if (truth[i] == person && (predicted[i] == person) == right) {
                        chosen.add(i);
                    }
                }
            }
            for (int i : chosen) {
                float[] face = test.face(i);
                probes.add(new Probe(test.images().get(i).file(), person, face));
            }
        }
        return probes;
    }
}
