package dev.visage.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.system.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored version trained on an enrolled person is marked as soon as the person's folder is gone (erased), and is
 * then never a fall-back nor a roll-back target; versions trained on people still enrolled, or on LFW's, stay so.
 */
class TrainedPeopleTest {

    private static final String ADA = UUID.randomUUID().toString();
    private static final String BOB = UUID.randomUUID().toString();
    private static final String CY = UUID.randomUUID().toString();

    @TempDir
    Path root;

    private ModelStore store;
    private String lfwModel;
    private String onAdaAndBob;
    private String onBobAndCy;

    /** Served in order: an LFW model, one trained on Ada and Bob, one on Bob and Cy, then the LFW model again. */
    @BeforeEach
    void storeModelsTrainedOnEnrolledPeople() throws IOException {
        store = new ModelStore(root, 10);
        Files.createDirectories(root.resolve(ModelStore.PEOPLE_FOLDER).resolve(ADA));
        Files.createDirectories(root.resolve(ModelStore.PEOPLE_FOLDER).resolve(BOB));
        Files.createDirectories(root.resolve(ModelStore.PEOPLE_FOLDER).resolve(CY));
        lfwModel = StoreTestModels.storeCurrent(store).version();
        onAdaAndBob = trainedOn(List.of(ADA, BOB));
        onBobAndCy = trainedOn(List.of(BOB, CY));
        store.promote(onAdaAndBob, "test");
        store.promote(onBobAndCy, "test");
        store.promote(lfwModel, "test");
    }

    private String trainedOn(List<String> people) {
        String version = StoreTestModels.storeCandidate(store).version();
        StoreTestModels.editManifest(store, version, node -> {
            people.forEach(node.putArray("people")::add);
            people.forEach(node.putArray("enrolledPeople")::add);
        });
        return version;
    }

    @Test
    void whilePeopleAreEnrolledTheirModelsAreFallBacksAsAny() {
        assertThat(store.fallbacks()).containsExactly(onBobAndCy, onAdaAndBob);
        assertThat(store.rollbackTarget()).contains(onBobAndCy);
        assertThat(store.trainedPeople().onErased(onAdaAndBob)).isFalse();
        assertThat(store.trainedPeople().trainedOn(ADA)).containsExactly(onAdaAndBob);
        assertThat(store.trainedPeople().trainedOn(BOB)).containsExactly(onAdaAndBob, onBobAndCy);
        assertThat(store.manifest(onAdaAndBob).enrolledPeople()).containsExactly(ADA, BOB);
        assertThat(store.manifest(lfwModel).enrolledPeople()).isNull();
    }

    @Test
    void oncePersonIsErasedEveryModelTrainedOnThemIsMarkedAndNeverAFallBack() throws IOException {
        Folders.deleteRecursively(root.resolve(ModelStore.PEOPLE_FOLDER).resolve(ADA));

        assertThat(store.trainedPeople().onErased(onAdaAndBob)).isTrue();
        assertThat(store.trainedPeople().onErased(onBobAndCy)).isFalse();
        assertThat(store.trainedPeople().onErased(lfwModel)).isFalse();
        assertThat(store.fallbacks()).containsExactly(onBobAndCy);
        assertThat(store.rollbackTarget()).contains(onBobAndCy);

        Folders.deleteRecursively(root.resolve(ModelStore.PEOPLE_FOLDER).resolve(BOB));

        assertThat(store.trainedPeople().onErased(onBobAndCy)).isTrue();
        assertThat(store.fallbacks()).isEmpty();
        assertThat(store.rollbackTarget()).isEmpty();
        // Still stored, for the operator to see and delete; the history still lists them as served once.
        assertThat(store.versions()).contains(onAdaAndBob, onBobAndCy);
    }

    @Test
    void anIdThatIsNoPersonIdCountsAsErased() {
        String version = trainedOn(List.of(ADA, "../" + BOB));

        assertThat(store.trainedPeople().onErased(version)).isTrue();
        assertThat(TrainedPeople.isPersonId(ADA)).isTrue();
        assertThat(TrainedPeople.isPersonId("../" + BOB)).isFalse();
    }
}
