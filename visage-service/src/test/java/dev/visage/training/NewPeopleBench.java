package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.visage.dataset.BaseSplit;
import dev.visage.dataset.DataSplit;
import dev.visage.dataset.LabeledImage;
import dev.visage.dataset.LfwCatalog;
import dev.visage.dataset.LfwImages;
import dev.visage.network.FaceNetwork;
import dev.visage.network.NetworkProperties;
import dev.visage.store.BaseStore;
import dev.visage.store.StoredModel;
import dev.visage.system.DjlEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.springframework.boot.context.properties.bind.Binder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The new-people benchmark (issue #28): the newest face base of a store, shown 10 people of its
 * {@code newPeopleTest} group with K = 5, 10, 20 photos each (seeds 42 and 7), three ways: named by nearest class
 * mean on the base's features ({@code ncm}); by a model trained as the product trains one ({@link FaceTrainer},
 * the default recipe with its outsiders and calibration) from the base's trunk ({@code fine-tuned}); and by the
 * same model from scratch ({@code scratch}: the base's network and input, fresh weights). The models train on
 * {@link NewPeopleSplit}: only the base's own people are their outsiders. Test faces are each person's other
 * photos; strangers are every photo of the base's {@code strangerTest} people. Prints, per seed, K and method:
 * right (the top answer is the person), known (right and accepted at the threshold where 95% of the strangers'
 * photos are unknown), AUROC of the score (best similarity, or top probability), known photos against strangers'.
 * Not a test: run it with {@code bench/newpeople.sh STORE_DIR [LFW_DIR] [--columns=ncm,fine-tuned,scratch]
 * [--seeds=42,7] [--photos=5,10,20] [--schedule=FROZEN_EPOCHS,TRUNK_RATE_FACTOR]}: {@code --columns} picks the
 * methods (the trained ones take minutes each; {@code --columns=ncm} skips them), {@code --seeds} the seeds,
 * {@code --photos} the values of K, {@code --schedule} trains the trunk otherwise than
 * {@link BaseTrunk.Schedule#STANDARD}.
 */
public final class NewPeopleBench {

    private static final int PEOPLE = 10;
    private static final double STRANGERS_UNKNOWN = 0.95;

    private NewPeopleBench() {}

    /** The models' recipe: the configured defaults ({@code visage.training.*}, {@code visage.network.*}). */
    private static TrainingConfig defaults() {
        Binder binder = new Binder();
        return binder.bindOrCreate("visage.training", TrainingProperties.class)
                .toConfig(binder.bindOrCreate("visage.network", NetworkProperties.class)
                        .toConfig());
    }

    public static void main(String[] args) throws IOException {
        List<String> paths =
                Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        List<String> columns =
                List.of(option(args, "--columns=", "ncm,fine-tuned,scratch").split(","));
        long[] seeds = Arrays.stream(option(args, "--seeds=", "42,7").split(","))
                .mapToLong(Long::parseLong)
                .toArray();
        int[] photoCounts = Arrays.stream(option(args, "--photos=", "5,10,20").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        BaseTrunk.Schedule standard = BaseTrunk.Schedule.STANDARD;
        String[] trunk = option(args, "--schedule=", standard.frozenEpochs() + "," + standard.learningRateFactor())
                .split(",");
        BaseTrunk.Schedule schedule = new BaseTrunk.Schedule(Integer.parseInt(trunk[0]), Float.parseFloat(trunk[1]));
        Path storeRoot = Path.of(paths.get(0));
        Path lfw = Path.of(paths.size() > 1 ? paths.get(1) : "../shared/lfw/lfw-deepfunneled");
        DjlEnvironment.loadEngine();
        BaseStore bases = new BaseStore(storeRoot, Integer.MAX_VALUE);
        String version = bases.newest().orElseThrow(() -> new IllegalStateException("No base in " + storeRoot));
        BaseSplit split = JsonMapper.builder()
                .build()
                .readValue(bases.root().resolve(version).resolve("split.json").toFile(), BaseSplit.class);
        LfwCatalog catalog = LfwCatalog.scan(lfw);
        System.out.printf(
                Locale.ROOT,
                "base %s: %d people; newPeopleTest %d, strangerTest %d people; trunk %s%n",
                version,
                split.people().size(),
                split.newPeopleTest().size(),
                split.strangerTest().size(),
                schedule);
        try (StoredModel base = bases.load(version);
                NDManager manager = NDManager.newBaseManager()) {
            List<String> strangerFiles = LabeledImage.allOf(catalog, split.strangerTest(), 0).stream()
                    .map(LabeledImage::file)
                    .toList();
            float[][] strangers = features(base, catalog, strangerFiles, manager);
            System.out.println("seed K  method      right  known@95%  AUROC");
            for (long seed : seeds) {
                List<String> people = new ArrayList<>(split.newPeopleTest());
                Collections.shuffle(people, new Random(seed));
                people = people.subList(0, PEOPLE);
                List<List<String>> photos = new ArrayList<>();
                for (String person : people) {
                    List<String> files = new ArrayList<>(catalog.imagesOf(person));
                    Collections.shuffle(files, new Random(seed));
                    photos.add(files.stream().map(f -> person + "/" + f).toList());
                }
                for (int k : photoCounts) {
                    if (columns.contains("ncm")) {
                        nearestClassMean(base, catalog, photos, k, seed, strangers, manager);
                    }
                    DataSplit models = NewPeopleSplit.of(
                            catalog,
                            split,
                            people,
                            photos,
                            k,
                            seed,
                            defaults().openSet().sample());
                    BaseTrunk baseTrunk = new BaseTrunk(base, schedule);
                    if (columns.contains("fine-tuned")) {
                        trained(baseTrunk, catalog, models, strangerFiles, k, true);
                    }
                    if (columns.contains("scratch")) {
                        trained(baseTrunk, catalog, models, strangerFiles, k, false);
                    }
                }
            }
        }
    }

    /** Nearest class mean on the base's features: the K photos' mean feature is each person's prototype. */
    private static void nearestClassMean(
            StoredModel base,
            LfwCatalog catalog,
            List<List<String>> photos,
            int k,
            long seed,
            float[][] strangers,
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
                features(base, catalog, files(enrolled), manager),
                enrolled.stream().mapToInt(LabeledImage::label).toArray(),
                photos.size());
        PrototypeMatching.Matches known =
                PrototypeMatching.match(prototypes, features(base, catalog, files(test), manager));
        print(
                seed,
                k,
                "ncm",
                test,
                known.predicted(),
                known.similarity(),
                PrototypeMatching.match(prototypes, strangers).similarity(),
                "");
    }

    /** A model trained through {@link FaceTrainer} on the split, from the base's trunk or from scratch. */
    private static void trained(
            BaseTrunk trunk, LfwCatalog catalog, DataSplit split, List<String> strangers, int k, boolean fromBase)
            throws IOException {
        TrainingConfig config = trunk.configFor(defaults().withFromBase(fromBase));
        long start = System.nanoTime();
        try (TrainedModel model = new FaceTrainer(
                                config, new TrainingObserver() {}, () -> false, null, fromBase ? trunk : null)
                        .train(catalog, split);
                NDManager manager = NDManager.newBaseManager()) {
            Scores test = Scores.of(model, catalog.root(), files(split.test()), manager);
            Scores strangerScores = Scores.of(model, catalog.root(), strangers, manager);
            print(
                    split.seed(),
                    k,
                    fromBase ? "fine-tuned" : "scratch",
                    split.test(),
                    test.predicted(),
                    test.top(),
                    strangerScores.top(),
                    String.format(
                            Locale.ROOT,
                            "  (best epoch %d; %.0f s)",
                            model.metrics().bestEpoch(),
                            (System.nanoTime() - start) / 1e9));
        }
    }

    /** The answers of a model: each photo's most likely person and that person's probability. */
    private record Scores(int[] predicted, double[] top) {

        static Scores of(TrainedModel model, Path lfw, List<String> files, NDManager manager) throws IOException {
            NDArray logits = ModelOutputs.logits(model, lfw, files, manager);
            float[][] probabilities =
                    FaceNetwork.peopleProbabilities(logits, model.people().size());
            int[] predicted = new int[probabilities.length];
            double[] top = new double[probabilities.length];
            for (int i = 0; i < probabilities.length; i++) {
                for (int c = 0; c < probabilities[i].length; c++) {
                    if (probabilities[i][c] > probabilities[i][predicted[i]]) {
                        predicted[i] = c;
                    }
                }
                top[i] = probabilities[i][predicted[i]];
            }
            return new Scores(predicted, top);
        }
    }

    private static void print(
            long seed,
            int k,
            String method,
            List<LabeledImage> test,
            int[] predicted,
            double[] scores,
            double[] strangerScores,
            String note) {
        int[] truth = test.stream().mapToInt(LabeledImage::label).toArray();
        double threshold = OpenSetMetrics.calibrate(strangerScores, 1 - STRANGERS_UNKNOWN);
        System.out.printf(
                Locale.ROOT,
                "%4d %-2d %-10s  %.3f  %.3f      %.3f   (%d test photos)%s%n",
                seed,
                k,
                method,
                OpenSetMetrics.correctAndAccepted(truth, predicted, scores, Double.NEGATIVE_INFINITY),
                OpenSetMetrics.correctAndAccepted(truth, predicted, scores, threshold),
                OpenSetMetrics.auroc(scores, strangerScores),
                test.size(),
                note);
    }

    /** The value of {@code --name=value} among the arguments, or {@code otherwise}. */
    private static String option(String[] args, String prefix, String otherwise) {
        return Arrays.stream(args)
                .filter(a -> a.startsWith(prefix))
                .map(a -> a.substring(prefix.length()))
                .findFirst()
                .orElse(otherwise);
    }

    private static List<String> files(List<LabeledImage> images) {
        return images.stream().map(LabeledImage::file).toList();
    }

    private static float[][] features(StoredModel base, LfwCatalog catalog, List<String> files, NDManager manager)
            throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            LfwImages decoded = LfwImages.decode(
                    catalog,
                    files.stream().map(f -> new LabeledImage(f, 0)).toList(),
                    base.manifest().preprocessing().crop(),
                    0,
                    LfwImages.CENTRED,
                    () -> {},
                    scope);
            return PrototypeMatching.features(base.model(), base.manifest().preprocessing(), decoded);
        }
    }
}
