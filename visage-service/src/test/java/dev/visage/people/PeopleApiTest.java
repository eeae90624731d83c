package dev.visage.people;

import static dev.visage.lifecycle.Instances.admin;
import static dev.visage.lifecycle.Instances.await;
import static dev.visage.lifecycle.Instances.get;
import static dev.visage.lifecycle.Instances.json;
import static dev.visage.lifecycle.Instances.post;
import static dev.visage.lifecycle.Instances.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.Multipart;
import dev.visage.identify.TestImages;
import dev.visage.lifecycle.Instances;
import dev.visage.lifecycle.Instances.Instance;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The people API over HTTP on two whole applications sharing one store, as two replicas: enrol, list, rename,
 * photos (one face, none, two, the same photo twice, the limit), erasure from disk, and each instance following
 * the other's changes. The photos with faces are real LFW photos (skipped without LFW); no model is needed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeopleApiTest {

    private static final Duration FOLLOW = Duration.ofSeconds(5);
    private static final Path LFW =
            Path.of(System.getenv().getOrDefault("VISAGE_LFW_DIR", "../shared/lfw/lfw-deepfunneled"));

    @TempDir
    static Path root;

    private static Path store;
    private static Instance a;
    private static Instance b;
    private static String ada;
    private static String firstPhoto;

    @BeforeAll
    static void startTwoInstances() {
        store = root.resolve("models");
        List<String> shared = List.of(
                "visage.lfw.dir=" + root.resolve("no-lfw"),
                "visage.models.dir=" + store,
                "visage.models.poll-interval=200ms",
                "visage.people.max-photos-per-person=2");
        CompletableFuture<Instance> startA = CompletableFuture.supplyAsync(() -> Instances.start("a", shared));
        CompletableFuture<Instance> startB = CompletableFuture.supplyAsync(() -> Instances.start("b", shared));
        a = startA.join();
        b = startB.join();
    }

    @AfterAll
    static void stop() {
        Stream.of(a, b).filter(java.util.Objects::nonNull).forEach(Instance::close);
    }

    @Test
    @Order(1)
    void enrolsListsAndRenamesPeopleWithUniqueNames() throws Exception {
        HttpResponse<String> created = post(a, "people", "{\"name\": \"  Ada Lovelace \"}");
        JsonNode person = json(created, 201);
        ada = person.get("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/people/" + ada);
        assertThat(person.get("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(person.get("photos").asInt()).isZero();

        assertProblem(post(b, "people", "{\"name\": \"ADA LOVELACE\"}"), 409, "person-name-taken");
        assertProblem(post(a, "people", "{\"name\": \"   \"}"), 400, "invalid-person-name");
        assertProblem(post(a, "people", "{\"name\": \"" + "x".repeat(101) + "\"}"), 400, "invalid-person-name");
        String grace = json(post(a, "people", "{\"name\": \"Grace Hopper\"}"), 201)
                .get("id")
                .asString();

        JsonNode renamed = json(patch(a, "people/" + grace, "{\"name\": \"Rear Admiral Hopper\"}"), 200);
        assertThat(renamed.get("name").asString()).isEqualTo("Rear Admiral Hopper");
        assertProblem(patch(a, "people/" + grace, "{\"name\": \"ada lovelace\"}"), 409, "person-name-taken");

        // The other instance follows: both people, the new name, oldest first.
        await(
                "b lists both people",
                () -> get(b, "people").get("people"),
                people -> people.size() == 2
                        && people.get(1).get("name").asString().equals("Rear Admiral Hopper"),
                FOLLOW);
        JsonNode listed = get(b, "people").get("people").get(0);
        assertThat(listed.get("id").asString()).isEqualTo(ada);
        assertThat(listed.get("createdAt").asString()).isNotBlank();
        assertThat(get(b, "people/" + ada).get("name").asString()).isEqualTo("Ada Lovelace");

        assertThat(delete(b, "people/" + grace).statusCode()).isEqualTo(204);
        assertProblem(
                send(admin(HttpRequest.newBuilder(b.uri("people/" + grace)).GET())), 404, "no-such-person");
        await(
                "a forgets the erased person",
                () -> get(a, "people").get("people").size(),
                n -> n == 1,
                FOLLOW);
        HttpResponse<String> anonymous =
                send(HttpRequest.newBuilder(a.uri("people")).GET());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    @Order(2)
    void aPhotoWithoutAFaceIsRefused() {
        byte[] grey = TestImages.encode(TestImages.solid(300, 300, BufferedImage.TYPE_3BYTE_BGR, 0x808080), "jpeg");
        assertProblem(upload(a, ada, grey, ""), 422, "no-face");
        assertProblem(upload(a, ada, "not an image".getBytes(), ""), 400, "unreadable-image");
        assertThat(get(a, "people/" + ada).get("photos").asInt()).isZero();
    }

    @Test
    @Order(3)
    void enrolsAPhotoOnceAndKeepsItsCropInTheStore() throws Exception {
        byte[] photo = Files.readAllBytes(lfwPhoto(0));
        JsonNode enrolled = json(upload(a, ada, photo, ""), 201);
        firstPhoto = enrolled.get("id").asString();
        assertThat(firstPhoto).hasSize(64);
        assertThat(enrolled.get("box").get("width").asInt()).isGreaterThan(48);
        assertThat(enrolled.get("crop").asString()).startsWith("data:image/png;base64,");
        Path crop = store.resolve("people").resolve(ada).resolve("photos").resolve(firstPhoto + ".png");
        assertThat(ImageIO.read(crop.toFile()).getWidth()).isEqualTo(250);

        // The same photo again, on the other instance: the same photo, not a second one.
        JsonNode again = json(upload(b, ada, photo, ""), 200);
        assertThat(again.get("id").asString()).isEqualTo(firstPhoto);
        await("b counts one photo", () -> get(b, "people/" + ada).get("photos").asInt(), n -> n == 1, FOLLOW);
        JsonNode photos = get(b, "people/" + ada + "/photos").get("photos");
        assertThat(photos).hasSize(1);
        assertThat(photos.get(0).get("id").asString()).isEqualTo(firstPhoto);
        HttpResponse<byte[]> png = sendBytes(a, "people/" + ada + "/photos/" + firstPhoto);
        assertThat(png.body()).isEqualTo(Files.readAllBytes(crop));
    }

    @Test
    @Order(4)
    void twoFacesAreRefusedUnlessOneIsPicked() throws Exception {
        BufferedImage two = new BufferedImage(500, 250, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D graphics = two.createGraphics();
        graphics.drawImage(ImageIO.read(lfwPhoto(1).toFile()), 0, 0, null);
        graphics.drawImage(ImageIO.read(lfwPhoto(2).toFile()), 250, 0, null);
        graphics.dispose();
        byte[] photo = TestImages.encode(two, "png");
        HttpResponse<String> refused = upload(a, ada, photo, "");
        JsonNode problem = assertProblem(refused, 422, "several-faces");
        assertThat(problem.get("faces")).hasSize(2);
        JsonNode right = problem.get("faces").get(0).get("x").asInt() > 200
                ? problem.get("faces").get(0)
                : problem.get("faces").get(1);
        String box = right.get("x").asInt() + "," + right.get("y").asInt() + ","
                + right.get("width").asInt() + "," + right.get("height").asInt();
        assertProblem(upload(a, ada, photo, "?box=1,1,2"), 400, "invalid-box");
        assertProblem(upload(a, ada, photo, "?box=0,240,5,5"), 422, "no-face-at-box");
        JsonNode picked = json(upload(a, ada, photo, "?box=" + box), 201);
        assertThat(picked.get("box").get("x").asInt()).isGreaterThan(200);

        // The limit of this test's instances is two photos a person.
        assertProblem(upload(a, ada, Files.readAllBytes(lfwPhoto(3)), ""), 409, "too-many-photos");
    }

    @Test
    @Order(5)
    void aDeletedPhotoAndAnErasedPersonAreGoneFromTheStore() throws Exception {
        Path person = store.resolve("people").resolve(ada);
        assertThat(delete(a, "people/" + ada + "/photos/" + firstPhoto).statusCode())
                .isEqualTo(204);
        assertThat(person.resolve("photos").resolve(firstPhoto + ".png")).doesNotExist();
        assertProblem(delete(a, "people/" + ada + "/photos/" + firstPhoto), 404, "no-such-photo");
        await("b counts one photo", () -> get(b, "people/" + ada).get("photos").asInt(), n -> n == 1, FOLLOW);

        assertThat(delete(b, "people/" + ada).statusCode()).isEqualTo(204);
        assertThat(person).doesNotExist();
        String lifecycle = Files.readString(store.resolve("lifecycle.json"));
        assertThat(lifecycle).contains("erase-person", ada).doesNotContain("Ada", "Lovelace");
        try (Stream<Path> left = Files.walk(store.resolve("people"))) {
            assertThat(left.filter(Files::isRegularFile).map(Path::getFileName).map(Path::toString))
                    .containsExactly(PeopleFiles.REVISION);
        }
        await(
                "a forgets the erased person",
                () -> send(admin(HttpRequest.newBuilder(a.uri("people/" + ada)).GET()))
                        .statusCode(),
                status -> status == 404,
                FOLLOW);
        assertThat(get(a, "people").get("people")).isEmpty();
    }

    /** An LFW photo with one face (by its sorted position among the people with a single photo). */
    private static Path lfwPhoto(int index) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(LFW), () -> "No LFW folder at " + LFW.toAbsolutePath());
        return List.of("Aaron_Eckhart", "Aaron_Guiel", "Aaron_Patterson", "Abba_Eban").stream()
                .map(name -> LFW.resolve(name).resolve(name + "_0001.jpg"))
                .toList()
                .get(index);
    }

    private static HttpResponse<String> upload(Instance instance, String person, byte[] image, String query) {
        return send(admin(Multipart.post(
                instance.uri("people/" + person + "/photos" + query), "image", "photo.jpg", "image/jpeg", image)));
    }

    private static HttpResponse<String> patch(Instance instance, String path, String body) {
        return send(admin(HttpRequest.newBuilder(instance.uri(path)))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> delete(Instance instance, String path) {
        return send(admin(HttpRequest.newBuilder(instance.uri(path)).DELETE()));
    }

    private static HttpResponse<byte[]> sendBytes(Instance instance, String path) throws Exception {
        return Instances.HTTP.send(
                admin(HttpRequest.newBuilder(instance.uri(path)).GET()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(value -> assertThat(value).startsWith("application/problem+json"));
        JsonNode problem = Instances.JSON.readTree(response.body());
        assertThat(problem.get("type").asString()).endsWith(type);
        return problem;
    }
}
