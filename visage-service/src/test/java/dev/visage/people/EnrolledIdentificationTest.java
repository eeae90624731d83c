package dev.visage.people;

import static dev.visage.lifecycle.Instances.admin;
import static dev.visage.lifecycle.Instances.await;
import static dev.visage.lifecycle.Instances.json;
import static dev.visage.lifecycle.Instances.post;
import static dev.visage.lifecycle.Instances.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.Multipart;
import dev.visage.lifecycle.Instances;
import dev.visage.lifecycle.Instances.Instance;
import dev.visage.store.BaseStore;
import dev.visage.store.ModelStore;
import dev.visage.store.StoreTestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code /identify} names an enrolled person at once, with their id, on both instances sharing the store, and
 * stops within seconds after their erasure. A tiny model and a tiny face base (threshold 0.6) from the store's test
 * models, whose features tell few faces apart: strangers are {@link PrototypesTest}'s and the benchmark's
 * (bench/enrol.py, with a real base). The photos are real LFW photos (skipped without LFW).
 */
class EnrolledIdentificationTest {

    private static final Duration AT_ONCE = Duration.ofSeconds(1);
    private static final Duration FOLLOW = Duration.ofSeconds(5);
    private static final Path LFW =
            Path.of(System.getenv().getOrDefault("VISAGE_LFW_DIR", "../shared/lfw/lfw-deepfunneled"));

    @TempDir
    static Path root;

    private static Instance a;
    private static Instance b;

    @BeforeAll
    static void twoInstancesWithAModelAndABase() {
        Assumptions.assumeTrue(Files.isDirectory(LFW), () -> "No LFW folder at " + LFW.toAbsolutePath());
        Path store = root.resolve("models");
        StoreTestModels.storeCurrent(new ModelStore(store, 5));
        StoreTestModels.storeBase(new BaseStore(store, 3), 1);
        List<String> shared = List.of(
                "visage.lfw.dir=" + root.resolve("no-lfw"),
                "visage.models.dir=" + store,
                "visage.models.poll-interval=500ms",
                "visage.identify.warm-up=0s");
        CompletableFuture<Instance> startA = CompletableFuture.supplyAsync(() -> Instances.start("a", shared));
        CompletableFuture<Instance> startB = CompletableFuture.supplyAsync(() -> Instances.start("b", shared));
        a = startA.join();
        b = startB.join();
    }

    @AfterAll
    static void stop() {
        Stream.of(a, b).filter(Objects::nonNull).forEach(Instance::close);
    }

    @Test
    void namesAnEnrolledPersonAtOnceEverywhereAndForgetsThemWhenErased() throws Exception {
        Path enrolledPhoto = photo("Aaron_Eckhart");
        assertThat(identify(a, enrolledPhoto).has("personId")).isFalse();

        String id = json(post(a, "people", "{\"name\": \"Ada Lovelace\"}"), 201)
                .get("id")
                .asString();
        HttpRequest.Builder upload = Multipart.post(
                a.uri("people/" + id + "/photos"), "image", "ada.jpg", "image/jpeg", Files.readAllBytes(enrolledPhoto));
        json(send(admin(upload)), 201);

        for (Instance instance : List.of(a, b)) {
            await(
                    instance.name() + " names the enrolled person",
                    () -> identify(instance, enrolledPhoto),
                    answer -> id.equals(answer.path("personId").asString(null)),
                    instance == a ? AT_ONCE : FOLLOW);
        }
        JsonNode named = identify(b, enrolledPhoto);
        assertThat(named.get("person").asString()).isEqualTo("Ada Lovelace");
        assertThat(named.get("known").asBoolean()).isTrue();
        assertThat(named.get("faces").get(0).get("personId").asString()).isEqualTo(id);
        assertThat(named.get("candidates").get(0).get("person").asString()).isEqualTo("Ada Lovelace");
        assertThat(named.get("confidence").floatValue()).isGreaterThanOrEqualTo(0.6f);

        assertThat(send(admin(HttpRequest.newBuilder(b.uri("people/" + id)).DELETE()))
                        .statusCode())
                .isEqualTo(204);
        for (Instance instance : List.of(b, a)) {
            await(
                    instance.name() + " no longer names the erased person",
                    () -> identify(instance, enrolledPhoto),
                    answer -> answer.path("personId").isMissingNode()
                            && !answer.get("person").asString().equals("Ada Lovelace"),
                    instance == b ? AT_ONCE : FOLLOW);
        }
    }

    private static Path photo(String person) {
        return LFW.resolve(person).resolve(person + "_0001.jpg");
    }

    private static JsonNode identify(Instance instance, Path photo) {
        try {
            return json(
                    send(Multipart.post(
                            instance.uri("identify"), "image", "face.jpg", "image/jpeg", Files.readAllBytes(photo))),
                    200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
