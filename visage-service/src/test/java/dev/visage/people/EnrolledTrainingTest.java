package dev.visage.people;

import static dev.visage.lifecycle.Instances.admin;
import static dev.visage.lifecycle.Instances.get;
import static dev.visage.lifecycle.Instances.json;
import static dev.visage.lifecycle.Instances.post;
import static dev.visage.lifecycle.Instances.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.Multipart;
import dev.visage.SyntheticLfw;
import dev.visage.TemporaryFolders;
import dev.visage.identify.Identification;
import dev.visage.lifecycle.Instances;
import dev.visage.lifecycle.Instances.Instance;
import dev.visage.store.BaseStore;
import dev.visage.store.ModelStore;
import dev.visage.store.StoreTestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /train {"people": "enrolled"}} end to end, on two instances sharing a store: a model of two enrolled
 * synthetic people (their crops stored as enrolment stores them; LFW's synthetic people as outsiders) is trained,
 * promoted and names them by their current names; a person enrolled after it is named by the prototypes; an
 * erased person is named by nobody, and the model trained on them is marked and never a roll-back target. The
 * faces are {@link SyntheticLfw}'s patterns, which no face detector finds, so the people are written into the store
 * as enrolment writes them, and photos are identified without detection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EnrolledTrainingTest {

    private static final Duration AT_ONCE = Duration.ofSeconds(1);
    private static final Duration FOLLOW = Duration.ofSeconds(5);
    /** Synthetic people 0 to 3 are LFW's; Ada, Bob and Cy are the next three patterns. */
    private static final int LFW_PEOPLE = 4;

    private static final int ADA = 4;
    private static final int BOB = 5;
    private static final int CY = 6;
    /** Photos are drawn from generators seeded from here on; held-out ones from {@link #HELD_OUT} on. */
    private static final long ENROLLED_SEEDS = 1_000;

    private static final long HELD_OUT = 9_000;

    private static Path root;
    private static Path store;
    private static PeopleFiles files;
    private static Instance a;
    private static Instance b;
    private static String lfwModel;
    private static String adaId;
    private static String bobId;
    private static String enrolledModel;

    @BeforeAll
    static void twoInstancesWithAnLfwModelABaseAndTwoEnrolledPeople() throws IOException {
        root = Files.createTempDirectory("visage-enrolled-training");
        Path lfw = SyntheticLfw.write(root.resolve("lfw"), LFW_PEOPLE, 10, 5);
        store = root.resolve("models");
        ModelStore models = new ModelStore(store, 5);
        lfwModel = StoreTestModels.storeCurrent(models).version();
        StoreTestModels.storeBase(new BaseStore(store, 3), 1);
        files = new PeopleFiles(models);
        adaId = enrol("Ada Lovelace", ADA, 10);
        bobId = enrol("Bob Moog", BOB, 2);
        List<String> shared = List.of(
                "visage.lfw.dir=" + lfw,
                "visage.models.dir=" + store,
                "visage.models.poll-interval=500ms",
                "visage.identify.warm-up=0s",
                // The synthetic strangers' patterns are no test of a calibrated threshold: the model gives them to
                // its people, so its threshold comes out near 1 and only the prototypes would name anyone.
                "visage.identify.min-confidence=0.5",
                "visage.training.image-size=32",
                "visage.training.epochs=8",
                "visage.training.batch-size=8",
                "visage.training.learning-rate=0.004",
                "visage.training.weight-decay=0",
                "visage.training.warmup-epochs=0",
                "visage.training.augment=false",
                "visage.training.detect-faces=false",
                "visage.network.channels=16,16",
                "visage.network.hidden-units=32",
                "visage.network.dropout=0");
        CompletableFuture<Instance> startA = CompletableFuture.supplyAsync(() -> Instances.start("a", shared));
        CompletableFuture<Instance> startB = CompletableFuture.supplyAsync(() -> Instances.start("b", shared));
        a = startA.join();
        b = startB.join();
    }

    @AfterAll
    static void stop() {
        Stream.of(a, b).filter(Objects::nonNull).forEach(Instance::close);
        TemporaryFolders.delete(root);
    }

    @Test
    @Order(1)
    void withFewerThanTwoPeopleOfThreePhotosTheJobIsRefused() {
        JsonNode problem = json(post(a, "train", "{\"people\": \"enrolled\"}"), 422);

        assertThat(problem.get("type").asString()).endsWith("too-few-enrolled-people");
        assertThat(problem.get("trainablePeople").asInt()).isEqualTo(1);
        assertThat(get(a, "train")).isEmpty();
    }

    @Test
    @Order(2)
    void trainsAModelOfTheEnrolledPeopleThatNamesThem() throws Exception {
        addPhotos(bobId, "Bob Moog", BOB, 10);

        // From scratch: the test's base (a few synthetic people, 32x32) gives no features a head could learn these
        // two from in 8 epochs; starting from the base by default is TrainingRequestTest's.
        JsonNode job =
                json(post(a, "train", "{\"people\": \"enrolled\", \"fromBase\": false, \"promote\": \"force\"}"), 202);
        assertThat(job.path("settings").path("people").asString())
                .as(job.toString())
                .isEqualTo("enrolled");
        JsonNode done = Instances.finished(a, job);

        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("result").get("promoted").asBoolean()).isTrue();
        enrolledModel = done.get("result").get("modelVersion").asString();
        JsonNode version = get(a, "models").get("versions").get(0);
        assertThat(version.get("version").asString()).isEqualTo(enrolledModel);
        assertThat(version.get("enrolledPeople").asInt()).isEqualTo(2);
        assertThat(version.get("trainedOnErasedPeople").asBoolean()).isFalse();
        assertThat(new ModelStore(store, 5).manifest(enrolledModel).enrolledPeople())
                .containsExactly(adaId, bobId);
        assertNoNameNorFaceIn(store.resolve(enrolledModel));

        for (Instance instance : List.of(a, b)) {
            Instances.await(
                    instance.name() + " serves the model of the enrolled people",
                    () -> send(HttpRequest.newBuilder(instance.uri("model")).GET())
                            .body(),
                    model -> model.contains("\"" + enrolledModel + "\""),
                    FOLLOW);
            JsonNode ada = named(instance, heldOut(ADA), adaId, AT_ONCE);
            assertThat(ada.get("person").asString()).isEqualTo("Ada Lovelace");
            assertThat(ada.get("modelVersion").asString()).isEqualTo(enrolledModel);
            assertThat(ada.get("faces").get(0).has("otherProbability"))
                    .as("the model named her")
                    .isTrue();
        }
        assertThat(identify(a, heldOut(BOB)).path("personId").asString(null)).isEqualTo(bobId);
    }

    @Test
    @Order(3)
    void aRenamedPersonIsNamedByTheirNewName() throws Exception {
        assertThat(send(admin(HttpRequest.newBuilder(a.uri("people/" + adaId)))
                                .header("Content-Type", "application/json")
                                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"name\": \"Ada King\"}")))
                        .statusCode())
                .isEqualTo(200);

        assertThat(identify(a, heldOut(ADA)).get("person").asString()).isEqualTo("Ada King");
        Instances.await(
                "b names her by her new name",
                () -> identify(b, heldOut(ADA)).get("person").asString(),
                "Ada King"::equals,
                FOLLOW);
    }

    @Test
    @Order(4)
    void somebodyEnrolledAfterTheTrainingIsNamedAllTheSame() throws Exception {
        String cyId = enrol("Cy Twombly", CY, 3);
        byte[] enrolled = photo(CY, ENROLLED_SEEDS);

        for (Instance instance : List.of(a, b)) {
            JsonNode cy = named(instance, enrolled, cyId, FOLLOW);
            assertThat(cy.get("person").asString()).isEqualTo("Cy Twombly");
            assertThat(cy.get("modelVersion").asString()).isEqualTo(enrolledModel);
        }
    }

    @Test
    @Order(5)
    void anErasedPersonIsNamedByNobodyAndTheModelTrainedOnThemIsMarked() throws Exception {
        assertThat(send(admin(HttpRequest.newBuilder(a.uri("people/" + bobId)).DELETE()))
                        .statusCode())
                .isEqualTo(204);

        for (Instance instance : List.of(a, b)) {
            Instances.await(
                    instance.name() + " no longer names the erased person",
                    () -> identify(instance, heldOut(BOB)),
                    answer -> !answer.toString().contains("Bob Moog")
                            && !answer.toString().contains(bobId),
                    instance == a ? AT_ONCE : FOLLOW);
        }
        JsonNode models = get(b, "models");
        assertThat(models.get("current").asString())
                .as("it serves on, never naming him")
                .isEqualTo(enrolledModel);
        assertThat(models.get("versions").get(0).get("trainedOnErasedPeople").asBoolean())
                .isTrue();
        JsonNode erasure = models.get("events").get(0);
        assertThat(erasure.get("action").asString()).isEqualTo("erase-person");
        assertThat(erasure.get("detail").asString())
                .contains(bobId, enrolledModel)
                .doesNotContain("Bob");
        // Ada, whom the same model learnt and who is still enrolled, is still named.
        assertThat(identify(a, heldOut(ADA)).get("person").asString()).isEqualTo("Ada King");
    }

    @Test
    @Order(6)
    void theMarkedModelIsNeitherARollBackTargetNorPromotedAgain() {
        assertThat(post(a, "models/" + lfwModel + "/promote", "").statusCode()).isEqualTo(200);

        JsonNode models = get(a, "models");
        assertThat(models.get("current").asString()).isEqualTo(lfwModel);
        assertThat(models.get("rollbackTarget").isNull()).as(models.toString()).isTrue();
        assertThat(post(a, "models/" + enrolledModel + "/promote", "").statusCode())
                .isEqualTo(409);
        assertThat(post(a, "models/rollback", "").statusCode()).isEqualTo(409);
    }

    /** Writes a person with {@code count} photos into the store as enrolment does; returns their id. */
    private static String enrol(String name, int pattern, int count) throws IOException {
        String id = UUID.randomUUID().toString();
        files.locked(() -> {
            files.write(new Person(id, name, Instant.now(), List.of()));
            files.newRevision();
            return null;
        });
        addPhotos(id, name, pattern, count);
        return id;
    }

    /** Gives a person {@code count} photos of their pattern (those they had first). */
    private static void addPhotos(String id, String name, int pattern, int count) {
        files.locked(() -> {
            List<Person.Photo> photos = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] png = photo(pattern, ENROLLED_SEEDS + i);
                String photoId = PeopleFiles.sha256(png);
                photos.add(new Person.Photo(
                        photoId,
                        new Identification.Box(0, 0, SyntheticLfw.SIZE, SyntheticLfw.SIZE),
                        Instant.now(),
                        files.writePhoto(id, photoId, png)));
            }
            files.write(new Person(id, name, Instant.now(), photos));
            files.newRevision();
            return null;
        });
    }

    /** A photo of a synthetic person as a PNG, framed as an enrolled crop is (the pattern centred). */
    private static byte[] photo(int pattern, long seed) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(SyntheticLfw.image(pattern, new Random(pattern * 100_000L + seed)), "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    private static byte[] heldOut(int pattern) {
        return photo(pattern, HELD_OUT);
    }

    /** The person's id and name appear nowhere in the model's folder, and none of their faces: no probe files. */
    private static void assertNoNameNorFaceIn(Path folder) throws IOException {
        try (Stream<Path> tree = Files.walk(folder)) {
            for (Path file : tree.filter(Files::isRegularFile).toList()) {
                assertThat(file.getFileName().toString()).doesNotEndWith(".png");
                if (file.getFileName().toString().endsWith(".json")) {
                    assertThat(Files.readString(file, StandardCharsets.UTF_8))
                            .as(file.toString())
                            .doesNotContain("Ada", "Bob");
                }
            }
        }
    }

    /** Identifies the photo until the person is named (by id), within {@code limit}; returns that answer. */
    private static JsonNode named(Instance instance, byte[] photo, String personId, Duration limit)
            throws InterruptedException {
        JsonNode[] last = new JsonNode[1];
        Instances.await(
                instance.name() + " names " + personId,
                () -> last[0] = identify(instance, photo),
                answer -> personId.equals(answer.path("personId").asString(null)),
                limit);
        return last[0];
    }

    private static JsonNode identify(Instance instance, byte[] photo) {
        return json(
                send(Multipart.post(instance.uri("identify?detect=false"), "image", "face.png", "image/png", photo)),
                200);
    }
}
