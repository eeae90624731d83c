package dev.visage.docker;

import static dev.visage.docker.VisageContainerIT.PEOPLE;
import static dev.visage.docker.VisageContainerIT.TOKEN;
import static dev.visage.docker.VisageContainerIT.get;
import static dev.visage.docker.VisageContainerIT.json;
import static dev.visage.docker.VisageContainerIT.post;
import static dev.visage.docker.VisageContainerIT.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import dev.visage.Multipart;
import dev.visage.Polling;
import dev.visage.SyntheticLfw;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Replicas behind the compose set-up's load balancer (lb/, HAProxy with its haproxy.cfg and ready.lua), found as
 * compose finds them: by the network alias {@code visage}. While the first replica trains, the balancer answers
 * itself, with a problem detail and Retry-After. Then, under load from bounded clients: a replica scaled up gets no
 * request before its readiness is UP (no retried request), one killed with SIGKILL and one stopped (scale-down)
 * cost no failed request and none slower than {@link #WORST}. A training job answers the same through the balancer
 * whichever replica answers, and one whose replica was killed is FAILED, "instance lost", once another replica
 * takes its lock over. Wrong admin tokens from one client never lock another out (the balancer forwards the
 * client's address). Everything it starts, it stops.
 */
@ExtendWith(BaseImages.class)
class ReplicasBehindTheBalancerIT {

    private static final Logger log = LoggerFactory.getLogger(ReplicasBehindTheBalancerIT.class);
    private static final Duration WORST = Duration.ofSeconds(2);
    private static final Pattern RETRIES = Pattern.compile(" \\d+/\\d+/\\d+/\\d+/\\+?(\\d+) \\d+/\\d+ \"");
    /** A server put in service after a readiness check passed (not merely because DNS found its address). */
    private static final String ADMITTED = " is UP(?!/READY \\(resolves again\\))";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ImageFromDockerfile replicaImage;
    private static ImageFromDockerfile balancerImage;
    private static String baseImage;

    @TempDir
    static Path work;

    private final List<GenericContainer<?>> started = new ArrayList<>();
    private Network network;
    private Path data;
    private Path models;

    @BeforeAll
    static void images() {
        BaseImages.Names bases = BaseImages.resolve();
        baseImage = bases.base();
        replicaImage = new ImageFromDockerfile("visage-replicas-it", false)
                .withDockerfile(Path.of("Dockerfile").toAbsolutePath())
                .withBuildArg("JDK_IMAGE", bases.jdk())
                .withBuildArg("BASE_IMAGE", bases.base());
        balancerImage = new ImageFromDockerfile("visage-lb-it", false)
                .withFileFromPath(".", Path.of("lb").toAbsolutePath())
                .withBuildArg("BASE_IMAGE", bases.base())
                // Like docker-compose.yml's build.network: apt-get reaches Debian's mirror from the host's network.
                .withBuildImageCmdModifier(command -> command.withNetworkMode("host"));
    }

    @Test
    void replicasComeAndGoUnderLoadWithoutAFailedOrSlowRequest() throws Exception {
        data = Files.createDirectories(work.resolve("lfw"));
        SyntheticLfw.write(data.resolve("lfw-deepfunneled"), PEOPLE, 20, 7);
        models = Files.createDirectories(work.resolve("models"));
        Files.setPosixFilePermissions(models, PosixFilePermissions.fromString("rwxrwxrwx"));
        String name = SyntheticLfw.names(PEOPLE).get(0);
        byte[] photo = Files.readAllBytes(
                data.resolve("lfw-deepfunneled").resolve(name).resolve(SyntheticLfw.fileName(name, 1)));
        network = Network.newNetwork();
        try {
            GenericContainer<?> a = replica();
            GenericContainer<?> balancer = tracked(new GenericContainer<>(balancerImage)
                    .withNetwork(network)
                    .withNetworkAliases("lb")
                    .withExposedPorts(8080)
                    .waitingFor(Wait.forListeningPort()));
            balancer.start();
            String lb = "http://" + balancer.getHost() + ":" + balancer.getMappedPort(8080);
            a.start();
            theBalancersOwnAnswerIsAProblemDetail(lb);
            await("a model served through the balancer", () -> status(lb, "/model"), s -> s == 200, 480);

            Load load = new Load(lb, photo);
            int logged = balancer.getLogs().length();
            GenericContainer<?> b = admitted(balancer);
            Thread.sleep(3000);
            Load.Figures scaledUp = load.figures();
            String sinceScaleUp = balancer.getLogs().substring(logged);
            assertThat(retries(sinceScaleUp)).as("retried requests").isZero();
            noRequestBeforeAdmission(sinceScaleUp, address(b));

            docker().killContainerCmd(a.getContainerId()).withSignal("KILL").exec();
            Thread.sleep(5000);
            Load.Figures killed = load.figures();
            GenericContainer<?> c = admitted(balancer);
            load.figures();
            docker().stopContainerCmd(b.getContainerId()).withTimeout(30).exec();
            Thread.sleep(3000);
            Load.Figures scaledDown = load.close();
            log.info("Through the balancer: scaled up {}, killed {}, scaled down {}", scaledUp, killed, scaledDown);
            assertThat(scaledUp.failed()).as("failed requests while scaling up").isEmpty();
            for (Load.Figures figures : List.of(killed, scaledDown)) {
                assertThat(figures.failed()).as("failed requests").isEmpty();
                assertThat(figures.slowest()).as("slowest request").isLessThanOrEqualTo(WORST);
            }

            GenericContainer<?> d = admitted(balancer);
            String succeeded = jobsAnswerTheSameWhicheverReplicaAnswers(lb);
            aJobWhoseReplicaDiedFailsAsInstanceLost(lb, List.of(c, d), succeeded);
            wrongTokensFromOneClientLockOutNoOther(lb);
        } finally {
            started.forEach(GenericContainer::stop);
            network.close();
        }
    }

    /** The only replica trains its first model: the balancer has none ready, and says so as the API would. */
    private static void theBalancersOwnAnswerIsAProblemDetail(String lb) {
        HttpResponse<String> none =
                send(HttpRequest.newBuilder(URI.create(lb + "/model")).GET());
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(none.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(none.body()).get("status").asInt()).isEqualTo(503);
    }

    /** A job polled through the balancer, each poll on whichever replica: every answer is 200, until SUCCEEDED. */
    private static String jobsAnswerTheSameWhicheverReplicaAnswers(String lb) throws Exception {
        String id = json(post(lb, "/train", "{\"epochs\": 1, \"promote\": \"never\"}"), 202)
                .get("id")
                .asString();
        await("the job's end through the balancer", () -> state(lb, id), s -> !s.matches("QUEUED|RUNNING"), 300);
        assertThat(state(lb, id)).isEqualTo("SUCCEEDED");
        for (int i = 0; i < 6; i++) {
            assertThat(state(lb, id)).isEqualTo("SUCCEEDED");
            assertThat(get(lb, "/train").findValuesAsString("id")).contains(id);
        }
        return id;
    }

    /** Kills the replica that runs a job; the next job, on the survivor, takes the lock over and fails it. */
    private void aJobWhoseReplicaDiedFailsAsInstanceLost(String lb, List<GenericContainer<?>> both, String earlier)
            throws Exception {
        String id = json(post(lb, "/train", "{\"epochs\": 50, \"promote\": \"never\"}"), 202)
                .get("id")
                .asString();
        String owner = JSON.readTree(models.resolve("training.lock").toFile())
                .get("owner")
                .asString();
        String host = owner.substring(0, owner.indexOf('/'));
        GenericContainer<?> runner = both.stream()
                .filter(replica -> replica.getContainerId().startsWith(host))
                .findFirst()
                .orElseThrow();
        await("the job running", () -> state(lb, id), "RUNNING"::equals, 120);
        docker().killContainerCmd(runner.getContainerId()).withSignal("KILL").exec();
        // The lock goes stale after VISAGE_MODELS_LOCK_STALE_AFTER; until then another job is refused.
        await("a job that takes the dead one's lock over", () -> status(lb, "/train", "POST"), s -> s == 202, 60);
        JsonNode job = get(lb, "/train/" + id);
        assertThat(job.get("state").asString()).isEqualTo("FAILED");
        assertThat(job.get("error").asString()).startsWith("instance lost");
        assertThat(state(lb, earlier)).isEqualTo("SUCCEEDED");
    }

    /** Wrong tokens from this host lock it out; the right one from another container still works. */
    private void wrongTokensFromOneClientLockOutNoOther(String lb) {
        HttpResponse<String> refused;
        int tries = 0;
        do {
            refused = send(
                    HttpRequest.newBuilder(URI.create(lb + "/train")).GET().header("Authorization", "Bearer wrong"));
            tries++;
        } while (refused.statusCode() == 401 && tries < 20);
        assertThat(refused.statusCode()).as("after %d wrong tokens", tries).isEqualTo(429);
        try (GenericContainer<?> other = new GenericContainer<>(baseImage)
                .withNetwork(network)
                .withCommand(
                        "bash",
                        "-c",
                        "exec 3<>/dev/tcp/lb/8080 && printf 'GET /train HTTP/1.0\\r\\nAuthorization: Bearer " + TOKEN
                                + "\\r\\n\\r\\n' >&3 && head -1 <&3")
                .withStartupCheckStrategy(new ExitedStartupCheckStrategy(Duration.ofMinutes(1)))) {
            other.start();
            assertThat(other.getLogs()).contains(" 200 ");
        }
    }

    private GenericContainer<?> replica() {
        GenericContainer<?> replica = VisageContainerIT.replica(new GenericContainer<>(replicaImage), data, models)
                .withNetwork(network)
                .withNetworkAliases("visage")
                .withEnv("VISAGE_ADMIN_MAX_FAILURES", "3")
                .withEnv("VISAGE_MODELS_LOCK_STALE_AFTER", "6s")
                .waitingFor(Wait.forLogMessage(".*Started VisageApplication.*", 1)
                        .withStartupTimeout(Duration.ofMinutes(8)));
        return tracked(replica);
    }

    /** Starts a replica and waits until the balancer lets it in. */
    private GenericContainer<?> admitted(GenericContainer<?> balancer) throws InterruptedException {
        int before = admissions(balancer);
        GenericContainer<?> replica = replica();
        replica.start();
        await("the balancer lets the new replica in", () -> admissions(balancer), n -> n > before, 180);
        return replica;
    }

    private static int admissions(GenericContainer<?> balancer) {
        return (int) Pattern.compile("\nServer visage/visage\\d+" + ADMITTED)
                .matcher(balancer.getLogs())
                .results()
                .count();
    }

    /** The balancer sent the replica at {@code address} no request before it let it in. */
    private static void noRequestBeforeAdmission(String balancerLog, String address) {
        Matcher slot = Pattern.compile(
                        "visage/(visage\\d+) changed its IP from \\S+ to " + Pattern.quote(address) + " ")
                .matcher(balancerLog);
        assertThat(slot.find()).as("the balancer found %s", address).isTrue();
        String server = "visage/" + slot.group(1);
        Matcher admission = Pattern.compile(Pattern.quote(server) + ADMITTED).matcher(balancerLog);
        assertThat(admission.find()).as("%s let in", server).isTrue();
        int admitted = admission.start();
        assertThat(balancerLog.indexOf(" http " + server + " "))
                .as("first request to %s", server)
                .isGreaterThan(admitted);
    }

    private static String address(GenericContainer<?> container) {
        return docker().inspectContainerCmd(container.getContainerId())
                .exec()
                .getNetworkSettings()
                .getNetworks()
                .values()
                .iterator()
                .next()
                .getIpAddress();
    }

    /** A container to stop at the end, started or not. */
    private <T extends GenericContainer<?>> T tracked(T container) {
        started.add(container);
        return container;
    }

    private static DockerClient docker() {
        return org.testcontainers.DockerClientFactory.instance().client();
    }

    /** Requests the balancer tried again on another replica, from its log (the retries field of each line). */
    private static int retries(String balancerLog) {
        Matcher matcher = RETRIES.matcher(balancerLog);
        int retried = 0;
        while (matcher.find()) {
            retried += Integer.parseInt(matcher.group(1));
        }
        return retried;
    }

    private static String state(String lb, String id) {
        return get(lb, "/train/" + id).get("state").asString();
    }

    private static int status(String lb, String path) {
        return send(HttpRequest.newBuilder(URI.create(lb + path)).GET()).statusCode();
    }

    private static int status(String lb, String path, String method) {
        return send(HttpRequest.newBuilder(URI.create(lb + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .header("Authorization", "Bearer " + TOKEN))
                .statusCode();
    }

    private static <T> void await(String what, Supplier<T> probe, Predicate<T> until, int seconds)
            throws InterruptedException {
        Polling.await(what, probe, until, Duration.ofMillis(200), Duration.ofSeconds(seconds));
    }

    /** Identifies through the balancer from {@link #CLIENTS} threads, one request after another each. */
    private static final class Load {

        static final int CLIENTS = 4;

        /** What the clients saw since the last figures: requests, the slowest, and those that failed. */
        record Figures(int requests, Duration slowest, List<String> failed) {}

        private final List<Thread> clients = new ArrayList<>();
        private final List<Long> durations = new ArrayList<>();
        private final List<String> failed = new ArrayList<>();
        private volatile boolean running = true;

        Load(String lb, byte[] photo) {
            for (int i = 0; i < CLIENTS; i++) {
                Thread client = new Thread(() -> {
                    while (running) {
                        long start = System.nanoTime();
                        String outcome;
                        try {
                            outcome = String.valueOf(send(Multipart.post(
                                            URI.create(lb + "/identify?detect=false"),
                                            "image",
                                            "face.jpg",
                                            "image/jpeg",
                                            photo))
                                    .statusCode());
                        } catch (RuntimeException e) {
                            outcome = e.toString();
                        }
                        record(System.nanoTime() - start, outcome);
                    }
                });
                client.start();
                clients.add(client);
            }
        }

        private synchronized void record(long nanos, String outcome) {
            durations.add(nanos);
            if (!outcome.equals("200")) {
                failed.add(outcome);
            }
        }

        synchronized Figures figures() {
            Figures figures = new Figures(
                    durations.size(),
                    Duration.ofNanos(
                            durations.stream().mapToLong(Long::longValue).max().orElse(0)),
                    List.copyOf(failed));
            durations.clear();
            failed.clear();
            return figures;
        }

        Figures close() throws InterruptedException {
            running = false;
            for (Thread client : clients) {
                client.join();
            }
            return figures();
        }
    }
}
