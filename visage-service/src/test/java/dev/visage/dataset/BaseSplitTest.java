package dev.visage.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** The base's partition of LFW's people: disjoint, deterministic, and each group of the people it promises. */
class BaseSplitTest {

    @TempDir
    Path root;

    private LfwCatalog catalog;
    private final List<String> excluded = List.of("Top_A", "Top_B");

    /** An LFW-shaped folder of empty files: only names and counts matter to the split. */
    @BeforeEach
    void writeCatalog() throws IOException {
        person("Top_A", 60);
        person("Top_B", 50);
        for (int i = 0; i < 40; i++) {
            person(name("Many", i), 20 + i % 7);
        }
        for (int i = 0; i < 30; i++) {
            person(name("Some", i), 10 + i % 5);
        }
        for (int i = 0; i < 120; i++) {
            person(name("Few", i), 4 + i % 5);
        }
        for (int i = 0; i < BaseSplit.STRANGERS + BaseSplit.CALIBRATION_STRANGERS + 100; i++) {
            person(name("Rare", i), 1 + i % 3);
        }
        catalog = LfwCatalog.scan(root);
    }

    @Test
    void theGroupsArePeopleDisjointAndLeaveTheExcludedPeopleOut() {
        BaseSplit split = BaseSplit.of(catalog, excluded);

        List<List<String>> groups = List.of(
                split.people(),
                split.newPeopleTest(),
                split.calibrationPeople(),
                split.strangerTest(),
                split.calibrationStrangers());
        Set<String> seen = new HashSet<>();
        for (List<String> group : groups) {
            for (String person : group) {
                assertThat(seen.add(person))
                        .as("%s is in one group only", person)
                        .isTrue();
            }
        }
        assertThat(seen).doesNotContainAnyElementsOf(excluded);
        assertThat(split.excluded()).isEqualTo(excluded);
    }

    @Test
    void eachGroupHasThePeopleItPromises() {
        BaseSplit split = BaseSplit.of(catalog, excluded);

        assertThat(split.newPeopleTest()).hasSize(BaseSplit.NEW_PEOPLE);
        assertThat(split.newPeopleTest()).allMatch(p -> photos(p) >= BaseSplit.NEW_PEOPLE_MIN_PHOTOS);
        assertThat(split.calibrationPeople()).hasSize(BaseSplit.CALIBRATION_PEOPLE);
        assertThat(split.calibrationPeople()).allMatch(p -> photos(p) >= BaseSplit.CALIBRATION_MIN_PHOTOS);
        assertThat(split.strangerTest()).hasSize(BaseSplit.STRANGERS);
        assertThat(split.calibrationStrangers()).hasSize(BaseSplit.CALIBRATION_STRANGERS);
        assertThat(split.strangerTest()).allMatch(p -> photos(p) < BaseSplit.MIN_BASE_PHOTOS);
        assertThat(split.people()).allMatch(p -> photos(p) >= BaseSplit.MIN_BASE_PHOTOS);
        // Everybody with enough photos who is in no held-out group trains the base.
        assertThat(split.people())
                .hasSize(40 + 30 + 120 - BaseSplit.NEW_PEOPLE - BaseSplit.CALIBRATION_PEOPLE)
                .isSorted();
    }

    @Test
    void theSameFolderAlwaysGivesTheSamePartition() {
        assertThat(BaseSplit.of(LfwCatalog.scan(root), excluded)).isEqualTo(BaseSplit.of(catalog, excluded));
        assertThat(BaseSplit.of(catalog, excluded).seed()).isEqualTo(BaseSplit.SEED);
    }

    @Test
    void aFolderWithoutEnoughPeopleIsRefused() {
        List<String> all = new ArrayList<>(catalog.people());

        assertThatThrownBy(() -> BaseSplit.of(catalog, all))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 people");
    }

    private int photos(String person) {
        return catalog.imagesOf(person).size();
    }

    private static String name(String prefix, int i) {
        return String.format(Locale.ROOT, "%s_%03d", prefix, i);
    }

    private void person(String name, int photos) throws IOException {
        Path folder = Files.createDirectories(root.resolve(name));
        for (int i = 1; i <= photos; i++) {
            Files.createFile(folder.resolve(String.format(Locale.ROOT, "%s_%04d.jpg", name, i)));
        }
    }
}
