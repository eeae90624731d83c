package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.face.FaceFrame;
import dev.visage.serving.ServingModel;
import dev.visage.store.ModelStore;
import dev.visage.store.StoreTestModels;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a model trained on enrolled people and the enrolled people's prototypes answer together: the model names the
 * people it was trained on by their current names, the prototypes name anyone it was not, and anyone it is unsure
 * of; an erased person's class is never named. The model is a real stored one whose classes are made enrolled
 * people; the probabilities and matches are given, so every rule is exercised exactly.
 */
class EnrolledModelAnswersTest {

    private static final String ADA = UUID.randomUUID().toString();
    private static final String BOB = UUID.randomUUID().toString();
    private static final String CY = UUID.randomUUID().toString();
    /** Enrolled after the model's training. */
    private static final String DEE = UUID.randomUUID().toString();

    private static final FaceLocator.LocatedFace FACE =
            new FaceLocator.LocatedFace(new Identification.Box(0, 0, 100, 100), null, new FaceFrame(0, 0, 100));

    @TempDir
    static Path root;

    private static ServingModel model;

    private final Map<String, String> names = new HashMap<>(Map.of(ADA, "Ada", BOB, "Bob", CY, "Cy", DEE, "Dee"));
    private boolean onlyEnrolled;
    private final Answers answers = new Answers(null);

    @BeforeAll
    static void aModelOfThreeEnrolledPeople() {
        ModelStore store = new ModelStore(root, 3);
        String version = StoreTestModels.storeCandidate(store).version();
        StoreTestModels.editManifest(store, version, node -> {
            List.of(ADA, BOB, CY).forEach(node.putArray("people")::add);
            List.of(ADA, BOB, CY).forEach(node.putArray("enrolledPeople")::add);
        });
        model = new ServingModel(store.load(version));
    }

    @AfterAll
    static void release() {
        model.release();
    }

    /** The threshold of a model without a calibrated one. */
    private static final float THRESHOLD = ServingModel.UNCALIBRATED_MIN_CONFIDENCE;

    private Identification.Face answer(float[] probabilities, EnrolledFaces.Match match) {
        EnrolledFaces enrolled = new EnrolledFaces() {
            @Override
            public Optional<Gallery> gallery() {
                return Optional.empty();
            }

            @Override
            public boolean onlyEnrolled() {
                return onlyEnrolled;
            }

            @Override
            public Optional<String> name(String personId) {
                return Optional.ofNullable(names.get(personId));
            }
        };
        return answers.answer(FACE, model, probabilities, match, enrolled, 3, null);
    }

    private EnrolledFaces.Match match(String personId, float similarity, boolean known) {
        return new EnrolledFaces.Match(
                List.of(new EnrolledFaces.Match.Candidate(personId, names.get(personId), similarity)), known);
    }

    private static List<String> candidates(Identification.Face face) {
        return face.candidates().stream().map(Identification.Candidate::person).toList();
    }

    @Test
    void theModelNamesItsPeopleByTheirCurrentNameAndId() {
        Identification.Face named = answer(new float[] {0.9f, 0.06f, 0.04f}, null);

        assertThat(named.person()).isEqualTo("Ada");
        assertThat(named.personId()).isEqualTo(ADA);
        assertThat(named.known()).isTrue();
        assertThat(candidates(named)).containsExactly("Ada", "Bob", "Cy");
        assertThat(named.otherProbability()).as("the model answered").isNotNull();

        names.put(ADA, "Ada King");
        assertThat(answer(new float[] {0.9f, 0.06f, 0.04f}, null).person()).isEqualTo("Ada King");
    }

    @Test
    void anErasedPersonsClassIsNeverNamedNorACandidate() {
        names.remove(ADA);

        Identification.Face face = answer(new float[] {0.9f, 0.06f, 0.04f}, null);

        assertThat(face.person()).isEqualTo(Identification.UNKNOWN);
        assertThat(face.known()).isFalse();
        assertThat(face.personId()).isNull();
        assertThat(candidates(face)).containsExactly("Bob", "Cy");
        // Even where Bob would pass the threshold on his own, the face is Ada's class's, so nobody is named.
        assertThat(answer(new float[] {0.5f, 0.45f, 0.05f}, null).person()).isEqualTo(Identification.UNKNOWN);
    }

    @Test
    void somebodyEnrolledAfterTrainingIsNamedByThePrototypesEvenWhereTheModelIsSure() {
        Identification.Face face = answer(new float[] {0.9f, 0.06f, 0.04f}, match(DEE, 0.8f, true));

        assertThat(face.person()).isEqualTo("Dee");
        assertThat(face.personId()).isEqualTo(DEE);
        assertThat(face.otherProbability()).as("the prototypes answered").isNull();
    }

    @Test
    void forItsOwnPeopleTheModelComesFirst() {
        Identification.Face face = answer(new float[] {0.05f, 0.9f, 0.05f}, match(ADA, 0.7f, true));

        assertThat(face.person()).isEqualTo("Bob");
        assertThat(face.personId()).isEqualTo(BOB);
    }

    @Test
    void aFaceTheModelIsUnsureOfIsNamedByAMatch() {
        float[] unsure = {0.36f, 0.30f, 0.34f};
        assertThat(unsure[0]).isLessThan(THRESHOLD);

        Identification.Face face = answer(unsure, match(ADA, 0.7f, true));

        assertThat(face.person()).isEqualTo("Ada");
        assertThat(face.personId()).isEqualTo(ADA);
        assertThat(answer(unsure, match(ADA, 0.5f, false)).person()).isEqualTo(Identification.UNKNOWN);
        assertThat(candidates(answer(unsure, match(ADA, 0.5f, false))))
                .as("the model's")
                .contains("Bob");
    }

    @Test
    void onlyEnrolledPeopleBeingNamedTheModelOfEnrolledPeopleStillNamesThem() {
        onlyEnrolled = true;

        assertThat(answer(new float[] {0.05f, 0.05f, 0.9f}, null).person()).isEqualTo("Cy");
    }
}
