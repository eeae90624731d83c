package dev.visage.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The people outside the model: three disjoint, seeded groups, and the images sampled from each. */
class OutsiderGroupsTest {

    private static final List<String> PEOPLE = List.of("Known_A", "Known_B", "Known_C");
    private static final int OUTSIDERS = 50;
    private static final OutsiderSample SAMPLE = new OutsiderSample(0, 40, 12, 500);

    @TempDir
    Path dir;

    private LfwCatalog catalog;

    /** 3 people with 10 images each, and 50 outsiders with 1 to 3 images each (empty files: never decoded). */
    @BeforeEach
    void folder() throws IOException {
        for (String person : PEOPLE) {
            write(person, 10);
        }
        for (int i = 0; i < OUTSIDERS; i++) {
            write(String.format(Locale.ROOT, "Outsider_%02d", i), 1 + i % 3);
        }
        catalog = LfwCatalog.scan(dir);
    }

    private void write(String person, int images) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(person));
        for (int n = 1; n <= images; n++) {
            Files.createFile(folder.resolve(String.format(Locale.ROOT, "%s_%04d.jpg", person, n)));
        }
    }

    @Test
    void theGroupsAreDisjointFromEachOtherAndFromThePeopleAndCoverEverybodyElse() {
        DataSplit split = DataSplit.stratified(catalog, PEOPLE, 7, SAMPLE);

        List<String> all = new ArrayList<>();
        all.addAll(split.outlierTrain());
        all.addAll(split.outlierValidation());
        all.addAll(split.strangerTest());
        assertThat(new HashSet<>(all)).hasSize(all.size()).hasSize(OUTSIDERS).doesNotContainAnyElementsOf(PEOPLE);
        // 60 / 20 / 20 of the people.
        assertThat(split.outlierTrain()).hasSize(30);
        assertThat(split.outlierValidation()).hasSize(10);
        assertThat(split.strangerTest()).hasSize(10);
    }

    @Test
    void eachGroupsImagesShowOnlyItsPeopleAsManyPeopleAsPossible() {
        DataSplit split = DataSplit.stratified(catalog, PEOPLE, 7, SAMPLE);

        assertThat(split.outlierTrainImages()).hasSize(40).doesNotHaveDuplicates();
        assertThat(people(split.outlierTrainImages())).isEqualTo(new HashSet<>(split.outlierTrain()));
        // 12 images of 10 people: every person once before anyone twice.
        assertThat(split.outlierValidationImages()).hasSize(12);
        assertThat(people(split.outlierValidationImages())).isEqualTo(new HashSet<>(split.outlierValidation()));
        // Asked for more than the group holds: all of its images, once each.
        int strangerImages = split.strangerTest().stream()
                .mapToInt(person -> catalog.imagesOf(person).size())
                .sum();
        assertThat(split.strangerTestImages()).hasSize(strangerImages).doesNotHaveDuplicates();
        assertThat(people(split.strangerTestImages())).isEqualTo(new HashSet<>(split.strangerTest()));
        assertThat(split.outsiderImageCount()).isEqualTo(40 + 12 + strangerImages);
    }

    @Test
    void theSameSeedGivesTheSameGroupsAnotherSeedOthersAndThePeoplesSplitStaysAsItWas() {
        DataSplit first = DataSplit.stratified(catalog, PEOPLE, 7, SAMPLE);
        DataSplit again = DataSplit.stratified(catalog, PEOPLE, 7, SAMPLE);
        DataSplit other = DataSplit.stratified(catalog, PEOPLE, 8, SAMPLE);
        DataSplit withoutImages = DataSplit.stratified(catalog, PEOPLE, 7);

        assertThat(again).isEqualTo(first);
        assertThat(new HashSet<>(other.strangerTest())).isNotEqualTo(new HashSet<>(first.strangerTest()));
        // Sampling outsiders changes nothing about the people's own parts or the groups.
        assertThat(withoutImages.train()).isEqualTo(first.train());
        assertThat(withoutImages.test()).isEqualTo(first.test());
        assertThat(withoutImages.strangerTest()).isEqualTo(first.strangerTest());
        assertThat(withoutImages.outsiderImageCount()).isZero();
    }

    @Test
    void theBackgroundPeopleAreTheOutlierTrainPeopleWithTheMostImagesEachWithAllOfThemAndAClassOfTheirOwn() {
        DataSplit without = DataSplit.stratified(catalog, PEOPLE, 7, SAMPLE);
        DataSplit split = DataSplit.stratified(catalog, PEOPLE, 7, new OutsiderSample(4, 40, 12, 500));

        assertThat(split.background()).hasSize(4);
        assertThat(split.outlierTrain()).containsAll(split.background());
        int fewestOfThem = split.background().stream()
                .mapToInt(person -> catalog.imagesOf(person).size())
                .min()
                .orElseThrow();
        assertThat(split.outlierTrain().stream()
                        .filter(person -> !split.background().contains(person))
                        .mapToInt(person -> catalog.imagesOf(person).size()))
                .allMatch(count -> count <= fewestOfThem);
        for (LabeledImage image : split.backgroundImages()) {
            String person = image.file().substring(0, image.file().indexOf('/'));
            assertThat(image.label())
                    .isEqualTo(PEOPLE.size() + split.background().indexOf(person));
        }
        int theirImages = split.background().stream()
                .mapToInt(person -> catalog.imagesOf(person).size())
                .sum();
        assertThat(split.backgroundImages()).hasSize(theirImages);
        // The outlier-train sample leaves them out; nothing else about the split changes.
        assertThat(people(split.outlierTrainImages())).doesNotContainAnyElementsOf(split.background());
        assertThat(split.outlierTrainImages()).isSubsetOf(without.outlierTrainImages());
        assertThat(split.outlierValidationImages()).isEqualTo(without.outlierValidationImages());
        assertThat(split.strangerTestImages()).isEqualTo(without.strangerTestImages());
        assertThat(split.test()).isEqualTo(without.test());
        assertThat(without.background()).isEmpty();
        assertThat(without.backgroundImages()).isEmpty();
    }

    @Test
    void aModelFromTheBaseHasTheBasesGroupsWithoutItsOwnPeopleAndNobodyOfTheBasesNewPeople() {
        List<String> outsiders = catalog.people().stream()
                .filter(person -> !PEOPLE.contains(person))
                .toList();
        // A base split that holds one of the model's people among its own and one among its strangers.
        BaseSplit base = new BaseSplit(
                28,
                List.of(),
                List.of(outsiders.get(0), outsiders.get(1), outsiders.get(2), "Known_A"),
                List.of(outsiders.get(3), outsiders.get(4)),
                List.of(outsiders.get(5)),
                List.of(outsiders.get(6), outsiders.get(7), "Known_B"),
                List.of(outsiders.get(8), outsiders.get(9)));

        DataSplit split = DataSplit.stratified(catalog, PEOPLE, 7, SAMPLE, base);

        assertThat(split.outlierTrain())
                .containsExactlyInAnyOrder(outsiders.get(0), outsiders.get(1), outsiders.get(2));
        assertThat(split.outlierValidation())
                .containsExactlyInAnyOrder(outsiders.get(5), outsiders.get(8), outsiders.get(9));
        assertThat(split.strangerTest()).containsExactly(outsiders.get(6), outsiders.get(7));
        assertThat(people(split.strangerTestImages())).containsExactlyInAnyOrder(outsiders.get(6), outsiders.get(7));
        assertThat(people(split.outlierValidationImages())).isSubsetOf(split.outlierValidation());
        assertThat(people(split.outlierTrainImages())).isSubsetOf(split.outlierTrain());
        // The people's own parts are the same as from scratch.
        DataSplit fromScratch = DataSplit.stratified(catalog, PEOPLE, 7, SAMPLE);
        assertThat(split.train()).isEqualTo(fromScratch.train());
        assertThat(split.test()).isEqualTo(fromScratch.test());
    }

    private static Set<String> people(List<String> files) {
        Set<String> people = new HashSet<>();
        for (String file : files) {
            people.add(file.substring(0, file.indexOf('/')));
        }
        return people;
    }
}
