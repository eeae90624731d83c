package dev.visage.training;

import ai.djl.ndarray.NDManager;
import dev.visage.dataset.BaseSplit;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.LfwImages;
import dev.visage.face.FaceFrame;
import dev.visage.store.BaseStore;
import dev.visage.store.StoredModel;
import dev.visage.system.DjlEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;

/**
 * The new-people benchmark (issue #28): the newest face base of a store, shown 10 people of its
 * {@code newPeopleTest} group with K = 5, 10, 20 photos each (seeds 42 and 7), named by nearest class mean on its
 * features. Test faces are each person's other photos; strangers are every photo of the base's
 * {@code strangerTest} people. Prints, per seed and K: right (nearest prototype is the person), known (right and
 * accepted at the threshold where 95% of the strangers' photos are unknown, and at the base's own calibrated
 * threshold), AUROC of the best similarity, known photos against strangers'. Not a test: run it with
 * {@code bench/newpeople.sh STORE_DIR [LFW_DIR]}.
 */
public final class NewPeopleBench {

    private static final int PEOPLE = 10;
    private static final int[] PHOTOS = {5, 10, 20};
    private static final long[] SEEDS = {42, 7};
    private static final double STRANGERS_UNKNOWN = 0.95;

    private NewPeopleBench() {}

    public static void main(String[] args) throws IOException {
        Path storeRoot = Path.of(args[0]);
        Path lfw = Path.of(args.length > 1 ? args[1] : "../shared/lfw/lfw-deepfunneled");
        DjlEnvironment.loadEngine();
        BaseStore bases = new BaseStore(storeRoot, Integer.MAX_VALUE);
        String version = bases.newest().orElseThrow(() -> new IllegalStateException("No base in " + storeRoot));
        BaseSplit split = JsonMapper.builder()
                .build()
                .readValue(bases.root().resolve(version).resolve("split.json").toFile(), BaseSplit.class);
        LfwCatalog catalog = LfwCatalog.scan(lfw);
        System.out.printf(
                Locale.ROOT,
                "base %s: %d people; newPeopleTest %d, strangerTest %d people%n",
                version,
                split.people().size(),
                split.newPeopleTest().size(),
                split.strangerTest().size());
        try (StoredModel base = bases.load(version);
                NDManager manager = NDManager.newBaseManager()) {
            float[][] strangers =
                    features(base, catalog, LabeledImage.allOf(catalog, split.strangerTest(), 0), manager);
            float threshold = base.manifest().matchThreshold() == null
                    ? Float.NaN
                    : base.manifest().matchThreshold();
            System.out.println("seed K  right  known@95%  known@base  strangersUnknown@base  AUROC");
            for (long seed : SEEDS) {
                List<String> people = new ArrayList<>(split.newPeopleTest());
                Collections.shuffle(people, new Random(seed));
                List<List<String>> photos = new ArrayList<>();
                for (String person : people.subList(0, PEOPLE)) {
                    List<String> files = new ArrayList<>(catalog.imagesOf(person));
                    Collections.shuffle(files, new Random(seed));
                    photos.add(files.stream().map(f -> person + "/" + f).toList());
                }
                for (int k : PHOTOS) {
                    run(base, catalog, photos, k, seed, strangers, threshold, manager);
                }
            }
        }
    }

    private static void run(
            StoredModel base,
            LfwCatalog catalog,
            List<List<String>> photos,
            int k,
            long seed,
            float[][] strangers,
            float baseThreshold,
            NDManager manager)
            throws IOException {
        List<LabeledImage> enrolled = new ArrayList<>();
        List<LabeledImage> test = new ArrayList<>();
        for (int person = 0; person < photos.size(); person++) {
            List<String> files = photos.get(person);
            for (int i = 0; i < files.size(); i++) {
                (i < k ? enrolled : test).add(new LabeledImage(files.get(i), person));
            }
        }
        float[][] prototypes = PrototypeMatching.prototypes(
                features(base, catalog, enrolled, manager),
                enrolled.stream().mapToInt(LabeledImage::label).toArray(),
                photos.size());
        PrototypeMatching.Matches known = PrototypeMatching.match(prototypes, features(base, catalog, test, manager));
        double[] strangerScores = PrototypeMatching.match(prototypes, strangers).similarity();
        int[] truth = test.stream().mapToInt(LabeledImage::label).toArray();
        double threshold = OpenSetMetrics.calibrate(strangerScores, 1 - STRANGERS_UNKNOWN);
        double right = OpenSetMetrics.correctAndAccepted(truth, known.predicted(), known.similarity(), -2);
        System.out.printf(
                Locale.ROOT,
                "%4d %-2d %.3f  %.3f      %.3f       %.3f                  %.3f   (%d test photos)%n",
                seed,
                k,
                right,
                OpenSetMetrics.correctAndAccepted(truth, known.predicted(), known.similarity(), threshold),
                OpenSetMetrics.correctAndAccepted(truth, known.predicted(), known.similarity(), baseThreshold),
                1 - OpenSetMetrics.accepted(strangerScores, baseThreshold),
                OpenSetMetrics.auroc(known.similarity(), strangerScores),
                test.size());
    }

    private static float[][] features(
            StoredModel base, LfwCatalog catalog, List<LabeledImage> images, NDManager manager) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            LfwImages decoded = LfwImages.decode(
                    catalog,
                    images,
                    base.manifest().preprocessing().crop(),
                    0,
                    photo -> FaceFrame.centred(photo.width(), photo.height()),
                    () -> {},
                    scope);
            return PrototypeMatching.features(base.model(), base.manifest().preprocessing(), decoded);
        }
    }
}
