package dev.visage.lifecycle;

import static dev.visage.lifecycle.Instances.await;
import static dev.visage.lifecycle.Instances.finished;
import static dev.visage.lifecycle.Instances.get;
import static dev.visage.lifecycle.Instances.identify;
import static dev.visage.lifecycle.Instances.json;
import static dev.visage.lifecycle.Instances.post;
import static dev.visage.lifecycle.Instances.servedVersion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.IdentifyingClients;
import dev.visage.SyntheticLfw;
import dev.visage.lifecycle.Instances.Instance;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Two whole applications in this JVM, sharing one model store, as two replicas would: on the empty store one
 * trains and the other waits; one training job runs at a time across both; the quality gate keeps a weak model out
 * and {@code force} puts it in; promotions and roll-backs on either one are followed by the other within its poll
 * interval, under load, without a failed request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesTest {

    private static final Logger log = LoggerFactory.getLogger(TwoInstancesTest.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** Fast enough to learn the synthetic people in a few epochs; 1 epoch at this rate learns nothing. */
    private static final String WEAK = "\"epochs\": 1, \"learningRate\": 0.00001";

    @TempDir
    static Path root;

    private static Instance a;
    private static Instance b;
    private static Path photo;
    private static String first;
    private static String weak;

    @BeforeAll
    static void startTwoInstancesOnAnEmptyStore() throws Exception {
        Path lfw = SyntheticLfw.write(root.resolve("lfw"), 3, 20, 11);
        photo = lfw.resolve(SyntheticLfw.names(3).get(1))
                .resolve(SyntheticLfw.fileName(SyntheticLfw.names(3).get(1), 3));
        List<String> shared = List.of(
                "visage.lfw.dir=" + lfw,
                "visage.models.dir=" + root.resolve("models"),
                "visage.models.poll-interval=" + POLL.toMillis() + "ms",
                "visage.models.lock-stale-after=6s",
                "visage.training.people=3",
                "visage.training.epochs=3",
                "visage.training.batch-size=16",
                "visage.training.warmup-epochs=0");
        // What a kill during a save leaves behind, long ago: removed at start-up.
        Path leftover = Files.createDirectories(root.resolve("models").resolve(".tmp-20250101-000000-000-killed"));
        Files.writeString(leftover.resolve("visage-0000.params"), "half a model");
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        // Both at once: whichever takes the store's training lock trains, the other waits.
        CompletableFuture<Instance> startA = CompletableFuture.supplyAsync(() -> Instances.start("a", shared));
        CompletableFuture<Instance> startB = CompletableFuture.supplyAsync(() -> Instances.start("b", shared));
        a = startA.get();
        b = startB.get();
    }

    @AfterAll
    static void stop() {
        for (Instance instance : new Instance[] {a, b}) {
            if (instance != null) {
                instance.close();
            }
        }
    }

    @Test
    @Order(1)
    void onAnEmptyStoreOneInstanceTrainsAndBothServeItsModel() throws Exception {
        await(
                "a first model on both",
                () -> List.of(String.valueOf(servedVersion(a)), String.valueOf(servedVersion(b))),
                v -> !v.get(0).equals("null") && v.get(0).equals(v.get(1)),
                Duration.ofMinutes(4));
        first = servedVersion(a);

        assertThat(root.resolve("models").resolve(".tmp-20250101-000000-000-killed"))
                .doesNotExist();
        // One job trained, and both instances list it: jobs live in the shared store.
        assertThat(get(a, "train").findValuesAsString("id"))
                .as("training jobs, as either instance lists them")
                .hasSize(1)
                .isEqualTo(get(b, "train").findValuesAsString("id"));
        JsonNode models = get(b, "models");
        assertThat(models.get("current").asString()).isEqualTo(first);
        assertThat(models.get("versions")).hasSize(1);
        assertThat(json(identify(b, photo), 200).get("modelVersion").asString()).isEqualTo(first);
    }

    @Test
    @Order(2)
    void aWeakJobIsNotPromotedAndNoSecondJobRunsMeanwhile() throws Exception {
        JsonNode job = json(post(a, "train", "{" + WEAK + "}"), 202);

        HttpResponse<String> second = post(b, "train", "{\"epochs\": 1}");
        JsonNode conflict = json(second, 409);
        assertThat(conflict.get("type").asString()).endsWith("/training-elsewhere");
        assertThat(conflict.get("jobId").asString()).isEqualTo(job.get("id").asString());

        JsonNode done = finished(a, job);
        assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode result = done.get("result");
        assertThat(result.get("promoted").asBoolean()).as(result.toString()).isFalse();
        assertThat(result.get("promotion").asString()).startsWith("not promoted: quality gate: test accuracy");
        weak = result.get("modelVersion").asString();
        Thread.sleep(3 * POLL.toMillis());
        assertThat(servedVersion(a)).isEqualTo(first);
        assertThat(servedVersion(b)).isEqualTo(first);
        JsonNode candidate = find(get(b, "models"), weak);
        assertThat(candidate.get("status").asString()).isEqualTo("rejected");
        assertThat(candidate.get("note").asString()).startsWith("quality gate:");
    }

    @Test
    @Order(3)
    void forcePromotesTheWeakModelAndTheOtherInstanceFollows() throws Exception {
        JsonNode job = json(post(b, "train", "{" + WEAK + ", \"promote\": \"force\"}"), 202);

        JsonNode done = finished(b, job);
        assertThat(done.get("result").get("promoted").asBoolean())
                .as(done.toString())
                .isTrue();
        String forced = done.get("result").get("modelVersion").asString();
        assertThat(servedVersion(b)).isEqualTo(forced);
        Duration followed = await("a follows b", () -> servedVersion(a), forced::equals, Duration.ofSeconds(10));
        log.info("Instance a served the forced model {} {} ms after b's job ended", forced, followed.toMillis());
        weak = forced;
    }

    @Test
    @Order(4)
    void rollBackAndPromoteOnEitherInstanceAreFollowedUnderLoadWithoutAFailedRequest() throws Exception {
        IdentifyingClients load =
                IdentifyingClients.start(Map.of("a", () -> identify(a, photo), "b", () -> identify(b, photo)), 2);
        try {
            Thread.sleep(1000);
            JsonNode rolledBack = json(post(a, "models/rollback", ""), 200);
            assertThat(rolledBack.get("current").asString()).isEqualTo(first);
            Duration bFollowed =
                    await("b follows a's roll-back", () -> servedVersion(b), first::equals, Duration.ofSeconds(10));
            Thread.sleep(1000);
            json(post(b, "models/" + weak + "/promote", ""), 200);
            Duration aFollowed =
                    await("a follows b's promotion", () -> servedVersion(a), weak::equals, Duration.ofSeconds(10));
            Thread.sleep(1000);
            log.info(
                    "Followed within {} ms (roll-back on a) and {} ms (promotion on b), poll interval {} ms",
                    bFollowed.toMillis(),
                    aFollowed.toMillis(),
                    POLL.toMillis());
            assertThat(bFollowed).isLessThan(POLL.plusSeconds(2));
            assertThat(aFollowed).isLessThan(POLL.plusSeconds(2));
        } finally {
            load.close();
        }
        load.assertNoneFailed();
        assertThat(load.versionsSeen()).contains("a:" + first, "b:" + first, "a:" + weak, "b:" + weak);
    }

    @Test
    @Order(5)
    void aChunkedBodyOverTheLimitIsRefusedWith413() {
        byte[] big = ("{\"x\": \"" + "a".repeat(100_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> response = Instances.send(Instances.admin(HttpRequest.newBuilder(a.uri("train")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));

        JsonNode problem = json(response, 413);
        assertThat(problem.get("type").asString()).endsWith("/request-too-large");
    }

    private static JsonNode find(JsonNode models, String version) {
        for (JsonNode entry : models.get("versions")) {
            if (entry.get("version").asString().equals(version)) {
                return entry;
            }
        }
        throw new AssertionError("No version " + version + " in " + models);
    }
}
