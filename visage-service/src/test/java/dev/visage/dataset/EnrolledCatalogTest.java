package dev.visage.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog with the enrolled people: those with 3 photos or more become the classes, in enrolment order, read from
 * their stored crops (checked against their SHA-256); LFW's people are the outsiders, and an enrolled person with
 * fewer photos is nowhere in the split.
 */
class EnrolledCatalogTest {

    private static final String ADA = UUID.randomUUID().toString();
    private static final String BOB = UUID.randomUUID().toString();
    private static final String CY = UUID.randomUUID().toString();

    @TempDir
    Path dir;

    private LfwCatalog lfw;
    private final List<EnrolledCrops.Person> people = new ArrayList<>();

    @BeforeEach
    void lfwAndThreeEnrolledPeople() throws IOException {
        for (String name : List.of("Alice_Smith", "Bob_Jones", "Carol_White", "Dave_Brown", "Erin_Black")) {
            Path folder = Files.createDirectories(dir.resolve("lfw").resolve(name));
            for (int n = 1; n <= 4; n++) {
                Files.createFile(folder.resolve(String.format("%s_%04d.jpg", name, n)));
            }
        }
        lfw = LfwCatalog.scan(dir.resolve("lfw"));
        people.add(enrolled(BOB, 5));
        people.add(enrolled(ADA, 3));
        people.add(enrolled(CY, 2));
    }

    /** A person with {@code photos} stored crops (a few bytes each; nothing here decodes them). */
    private EnrolledCrops.Person enrolled(String id, int photos) throws IOException {
        List<EnrolledCrops.Crop> crops = new ArrayList<>();
        Path folder = Files.createDirectories(dir.resolve("people").resolve(id).resolve("photos"));
        for (int n = 0; n < photos; n++) {
            byte[] bytes = (id + n).getBytes(StandardCharsets.UTF_8);
            Path file = Files.write(folder.resolve(sha256(bytes) + ".png"), bytes);
            crops.add(new EnrolledCrops.Crop(file, sha256(bytes)));
        }
        return new EnrolledCrops.Person(id, crops);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theEnrolledPeopleWithThreePhotosAreTheClassesAndLfwsTheOutsiders() {
        LfwCatalog catalog = lfw.withEnrolled(people);

        assertThat(catalog.select(PeopleSelection.ENROLLED)).containsExactly(BOB, ADA);
        assertThat(catalog.people()).isEqualTo(lfw.people());
        assertThat(catalog.imagesOf(ADA)).hasSize(3).allMatch(file -> file.endsWith(".png"));
        assertThat(catalog.isEnrolled(ADA)).isTrue();
        assertThat(catalog.isEnrolled(CY)).as("too few photos").isFalse();
        assertThat(catalog.isEnrolled("Alice_Smith/Alice_Smith_0001.jpg")).isFalse();

        DataSplit split = DataSplit.stratified(catalog, catalog.select(PeopleSelection.ENROLLED), 7);

        assertThat(split.people()).containsExactly(BOB, ADA);
        assertThat(Stream.of(split.train(), split.validation(), split.test())
                        .flatMap(List::stream)
                        .map(LabeledImage::file))
                .hasSize(8)
                .allMatch(catalog::isEnrolled);
        assertThat(Stream.of(split.outlierTrain(), split.outlierValidation(), split.strangerTest())
                        .flatMap(List::stream))
                .containsExactlyInAnyOrderElementsOf(lfw.people());
        assertThat(split.toString()).doesNotContain(CY);
    }

    @Test
    void anEnrolledCropIsReadOnlyAsItWasStored() throws IOException {
        LfwCatalog catalog = lfw.withEnrolled(people);
        String file = ADA + "/" + catalog.imagesOf(ADA).get(0);

        assertThat(catalog.path(file))
                .isEqualTo(people.get(1).crops().stream()
                        .map(EnrolledCrops.Crop::file)
                        .filter(path -> path.getFileName()
                                .toString()
                                .equals(catalog.imagesOf(ADA).get(0)))
                        .findFirst()
                        .orElseThrow());
        assertThat(new String(catalog.read(file), StandardCharsets.UTF_8)).startsWith(ADA);

        Files.writeString(catalog.path(file), "changed after enrolment");
        assertThatThrownBy(() -> catalog.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("SHA-256");
    }

    @Test
    void fewerThanTwoPeopleWithThreePhotosCannotBeTrainedOn() {
        assertThatThrownBy(() -> lfw.withEnrolled(people.subList(1, 3)))
                .isInstanceOf(TooFewEnrolledPeopleException.class)
                .hasMessageContaining("1 of the 2 people");
        assertThat(((TooFewEnrolledPeopleException)
                                org.assertj.core.api.Assertions.catchThrowable(() -> LfwCatalog.trainable(List.of())))
                        .problem()
                        .status())
                .isEqualTo(422);
        assertThat(LfwCatalog.trainable(people))
                .extracting(EnrolledCrops.Person::id)
                .containsExactly(BOB, ADA);
        // A face base leaves LFW people out of its training; for the enrolled people, none.
        assertThat(lfw.lfwPeopleOf(PeopleSelection.ENROLLED)).isEmpty();
    }
}
