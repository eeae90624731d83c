package dev.visage.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stratified 70/10/20 split, and how {@link LfwCatalog} lists a folder and selects people. */
class DataSplitTest {

    @TempDir
    Path dir;

    /** Creates {@code <dir>/<person>/<person>_000n.jpg} (empty files: listing never decodes them). */
    private LfwCatalog catalog(Map<String, Integer> counts) throws IOException {
        for (Map.Entry<String, Integer> person : counts.entrySet()) {
            Path folder = Files.createDirectories(dir.resolve(person.getKey()));
            for (int n = 1; n <= person.getValue(); n++) {
                Files.createFile(folder.resolve(String.format("%s_%04d.jpg", person.getKey(), n)));
            }
        }
        return LfwCatalog.scan(dir);
    }

    private LfwCatalog standardCatalog() throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("Alice_Smith", 50);
        counts.put("Bob_Jones", 20);
        counts.put("Carol_White", 10);
        counts.put("Dave_Brown", 7);
        counts.put("Erin_Black", 3);
        counts.put("Frank_Green", 2);
        return catalog(counts);
    }

    private static final List<String> SPLIT_PEOPLE =
            List.of("Alice_Smith", "Bob_Jones", "Carol_White", "Dave_Brown", "Erin_Black");

    private static List<LabeledImage> of(List<LabeledImage> part, int label) {
        return part.stream().filter(image -> image.label() == label).toList();
    }

    @Test
    void everyPersonIsInEveryPartIn70_10_20Proportion() throws IOException {
        DataSplit split = DataSplit.stratified(standardCatalog(), SPLIT_PEOPLE, 7);

        // {train, validation, test} per person: test = round(20%), validation = round(10%), both at least 1.
        int[][] expected = {{35, 5, 10}, {14, 2, 4}, {7, 1, 2}, {5, 1, 1}, {1, 1, 1}};
        for (int label = 0; label < SPLIT_PEOPLE.size(); label++) {
            assertThat(new int[] {
                        of(split.train(), label).size(),
                        of(split.validation(), label).size(),
                        of(split.test(), label).size()
                    })
                    .as(SPLIT_PEOPLE.get(label))
                    .containsExactly(expected[label]);
        }
        assertThat(split.size()).isEqualTo(50 + 20 + 10 + 7 + 3);
        assertThat(split.people()).isEqualTo(SPLIT_PEOPLE);
        assertThat(split.seed()).isEqualTo(7);
    }

    @Test
    void labelsNameThePersonWhoseFolderHoldsTheImage() throws IOException {
        DataSplit split = DataSplit.stratified(standardCatalog(), SPLIT_PEOPLE, 7);

        for (LabeledImage image : all(split)) {
            String person = SPLIT_PEOPLE.get(image.label());
            assertThat(image.file()).startsWith(person + "/" + person + "_").endsWith(".jpg");
        }
    }

    @Test
    void partsDoNotOverlapAndTogetherHoldEveryImageOfTheSelectedPeople() throws IOException {
        LfwCatalog catalog = standardCatalog();
        DataSplit split = DataSplit.stratified(catalog, SPLIT_PEOPLE, 7);

        List<String> files = all(split).stream().map(LabeledImage::file).toList();
        assertThat(new HashSet<>(files)).hasSameSizeAs(files);
        Set<String> expected = new HashSet<>();
        for (String person : SPLIT_PEOPLE) {
            catalog.imagesOf(person).forEach(file -> expected.add(person + "/" + file));
        }
        assertThat(files).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(files).noneMatch(file -> file.startsWith("Frank_Green/"));
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnotherOne() throws IOException {
        LfwCatalog catalog = standardCatalog();

        DataSplit first = DataSplit.stratified(catalog, SPLIT_PEOPLE, 7);
        DataSplit again = DataSplit.stratified(catalog, SPLIT_PEOPLE, 7);
        DataSplit other = DataSplit.stratified(catalog, SPLIT_PEOPLE, 8);

        assertThat(again).isEqualTo(first);
        assertThat(other.test()).isNotEqualTo(first.test());
        assertThat(new HashSet<>(other.test())).isNotEqualTo(new HashSet<>(first.test()));
        // Only the assignment changes, not the proportions.
        assertThat(other.test()).hasSameSizeAs(first.test());
        assertThat(other.validation()).hasSameSizeAs(first.validation());
    }

    @Test
    void refusesAPersonWithFewerThanThreeImages() throws IOException {
        LfwCatalog catalog = standardCatalog();

        assertThatThrownBy(() -> DataSplit.stratified(catalog, List.of("Alice_Smith", "Frank_Green"), 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Frank_Green has 2 images");
    }

    @Test
    void topSelectionOrdersByImageCountAndBreaksTiesByName() throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("Eve_Adams", 8);
        counts.put("Carol_White", 5);
        counts.put("Bob_Jones", 8);
        counts.put("Alice_Smith", 5);
        counts.put("Dave_Brown", 3);
        LfwCatalog catalog = catalog(counts);

        assertThat(catalog.select(PeopleSelection.top(3))).containsExactly("Bob_Jones", "Eve_Adams", "Alice_Smith");
        assertThat(catalog.select(PeopleSelection.top(5)))
                .containsExactly("Bob_Jones", "Eve_Adams", "Alice_Smith", "Carol_White", "Dave_Brown");
        assertThatThrownBy(() -> catalog.select(PeopleSelection.top(6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds only 5");
    }

    @Test
    void namedSelectionKeepsTheGivenOrderAndRejectsUnknownNames() throws IOException {
        LfwCatalog catalog = standardCatalog();

        assertThat(catalog.select(PeopleSelection.named(List.of("Erin_Black", "Alice_Smith", "Carol_White"))))
                .containsExactly("Erin_Black", "Alice_Smith", "Carol_White");
        assertThatThrownBy(() -> catalog.select(PeopleSelection.named(List.of("Alice_Smith", "Nobody_Here"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[Nobody_Here]");
    }

    @Test
    void selectionsNeedAtLeastTwoDistinctPeople() {
        assertThatThrownBy(() -> PeopleSelection.top(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeopleSelection.named(List.of("Alice_Smith")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeopleSelection.named(List.of("Alice_Smith", "Alice_Smith")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scanListsImagesSortedAndIgnoresOtherFilesAndImagelessFolders() throws IOException {
        Path alice = Files.createDirectories(dir.resolve("Alice_Smith"));
        Files.createFile(alice.resolve("Alice_Smith_0002.jpg"));
        Files.createFile(alice.resolve("Alice_Smith_0001.JPG"));
        Files.createFile(alice.resolve("Alice_Smith_0003.png"));
        Files.createFile(alice.resolve("notes.txt"));
        Path bob = Files.createDirectories(dir.resolve("Bob_Jones"));
        Files.createFile(bob.resolve("Bob_Jones_0001.jpeg"));
        Files.createDirectories(dir.resolve("Nobody_Here"))
                .resolve("readme.txt")
                .toFile()
                .createNewFile();
        Files.createFile(dir.resolve("lfw-names.txt"));

        LfwCatalog catalog = LfwCatalog.scan(dir);

        assertThat(catalog.root()).isEqualTo(dir);
        assertThat(catalog.select(PeopleSelection.top(2))).containsExactlyInAnyOrder("Alice_Smith", "Bob_Jones");
        assertThat(catalog.imagesOf("Alice_Smith"))
                .containsExactly("Alice_Smith_0001.JPG", "Alice_Smith_0002.jpg", "Alice_Smith_0003.png");
        assertThat(catalog.imagesOf("Nobody_Here")).isEmpty();
        assertThatThrownBy(() -> catalog.select(PeopleSelection.named(List.of("Alice_Smith", "Nobody_Here"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Nobody_Here");
    }

    @Test
    void scanOfAMissingFolderSaysItIsNotFound() {
        Path missing = dir.resolve("no-such-folder");

        assertThatThrownBy(() -> LfwCatalog.scan(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LFW folder not found")
                .hasMessageContaining(missing.toAbsolutePath().toString());
    }

    @Test
    void scanOfAFolderWithoutImagesSaysNoImagesWereFound() throws IOException {
        assertThatThrownBy(() -> LfwCatalog.scan(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No images found")
                .hasMessageContaining(dir.toAbsolutePath().toString());

        Files.createDirectories(dir.resolve("Alice_Smith"))
                .resolve("notes.txt")
                .toFile()
                .createNewFile();
        assertThatThrownBy(() -> LfwCatalog.scan(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No images found");
    }

    private static List<LabeledImage> all(DataSplit split) {
        List<LabeledImage> all = new ArrayList<>(split.train());
        all.addAll(split.validation());
        all.addAll(split.test());
        return all;
    }
}
