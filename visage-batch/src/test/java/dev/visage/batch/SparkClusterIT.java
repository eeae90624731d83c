package dev.visage.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.visage.docker.BaseImages;
import dev.visage.serving.TinyModels;
import dev.visage.store.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import tools.jackson.databind.JsonNode;

/**
 * The job on a real Spark standalone cluster: a master and two workers in containers, on an image made from the
 * Spark jars Maven resolved on the local JDK base (nothing downloaded at run time but Debian's GTK 2 for OpenCV, as
 * in the app image), the job sent with Spark's spark-submit from a fourth container. Its rows equal local mode's on
 * the same photos, and both workers' executors identified photos, each loading the model once.
 */
@ExtendWith(BaseImages.class)
class SparkClusterIT {

    private static final String OPENS = Stream.of(
                    "java.lang",
                    "java.lang.invoke",
                    "java.lang.reflect",
                    "java.io",
                    "java.net",
                    "java.nio",
                    "java.util",
                    "java.util.concurrent",
                    "java.util.concurrent.atomic",
                    "jdk.internal.ref",
                    "sun.nio.ch",
                    "sun.nio.cs",
                    "sun.security.action",
                    "sun.util.calendar")
            .map(module -> "--add-opens=java.base/" + module + "=ALL-UNNAMED")
            .reduce((a, b) -> a + " " + b)
            .orElseThrow();

    @TempDir
    static Path work;

    @Test
    void twoWorkersGiveTheRowsOfLocalMode() throws Exception {
        assumeTrue(Files.isDirectory(ArchivePhotos.lfw()), "LFW is not at " + ArchivePhotos.lfw());
        Path models = work.resolve("models");
        TinyModels.storeInto(new ModelStore(models, 5));
        Path photos = Files.createDirectories(work.resolve("photos"));
        List<Path> faces = ArchivePhotos.lfwFaces(24);
        for (int i = 0; i < 30; i++) {
            Files.write(
                    photos.resolve("photo-" + i + ".jpg"),
                    i < faces.size()
                            ? ArchivePhotos.withFace(faces.get(i), 150 + 3 * i, i)
                            : ArchivePhotos.withoutFace(i));
        }
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));

        String local = work.resolve("local").toString();
        new BatchJob(BatchOptions.parse(
                        "--models",
                        models.toString(),
                        "--input",
                        photos.toString(),
                        "--output",
                        local,
                        "--format",
                        "jsonl",
                        "--master",
                        "local[2]"))
                .run();

        BaseImages.Names bases = BaseImages.resolve();
        ImageFromDockerfile image = new ImageFromDockerfile("visage-spark-it", false)
                .withFileFromPath("jars", Path.of(System.getProperty("visage.spark.jars")))
                .withFileFromPath("visage-batch.jar", Path.of(System.getProperty("visage.batch.jar")))
                .withDockerfileFromBuilder(dockerfile -> dockerfile
                        .from(bases.jdk())
                        .run("apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q"
                                + " --no-install-recommends libgtk2.0-0 && rm -rf /var/lib/apt/lists/*")
                        .copy("jars", "/opt/spark/jars")
                        .copy("visage-batch.jar", "/opt/visage-batch.jar")
                        .run("echo 'Spark 4.2.0 from Maven' > /opt/spark/RELEASE")
                        .env("SPARK_HOME", "/opt/spark")
                        .env("SPARK_SCALA_VERSION", "2.13")
                        .env("DJL_OFFLINE", "true")
                        .env("OPT_OUT_TRACKING", "true")
                        .build())
                .withBuildImageCmdModifier(command -> command.withNetworkMode("host"));
        Path cluster = work.resolve("cluster");
        try (Network network = Network.newNetwork();
                GenericContainer<?> master = spark(image, network, "master")
                        .withCommand(java("-Xmx256m org.apache.spark.deploy.master.Master --host master --port 7077"))
                        .waitingFor(Wait.forLogMessage(".*I have been elected leader.*", 1));
                GenericContainer<?> first = worker(image, network, "worker-1");
                GenericContainer<?> second = worker(image, network, "worker-2")) {
            master.start();
            first.start();
            second.start();
            try (GenericContainer<?> driver = spark(image, network, "driver")
                    .withCommand(java("-Xmx768m org.apache.spark.deploy.SparkSubmit --master spark://master:7077"
                            + " --conf spark.driver.host=driver --conf spark.ui.enabled=false"
                            + " --executor-cores 1 --executor-memory 768m --class dev.visage.batch.BatchJob"
                            + " /opt/visage-batch.jar --models " + models + " --input " + photos + " --output "
                            + cluster + " --format jsonl"))
                    .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(8)))) {
                driver.start();
            }
            for (GenericContainer<?> worker : List.of(first, second)) {
                String executorLog = worker.execInContainer("sh", "-c", "cat /opt/spark/work/*/*/stderr")
                        .getStdout();
                assertThat(executorLog)
                        .as(worker.getNetworkAliases().toString())
                        .containsOnlyOnce(" loaded from ");
                assertThat(executorLog).contains("Finished task");
            }
        }
        assertSameRows(BatchJobTest.rows(cluster), BatchJobTest.rows(Path.of(local)));
    }

    private static String[] java(String arguments) {
        return ("java " + OPENS + " -cp /opt/spark/jars/* " + arguments).split(" ");
    }

    private static GenericContainer<?> spark(ImageFromDockerfile image, Network network, String name) {
        return new GenericContainer<>(image)
                .withNetwork(network)
                .withNetworkAliases(name)
                .withFileSystemBind(work.toString(), work.toString(), BindMode.READ_WRITE);
    }

    private static GenericContainer<?> worker(ImageFromDockerfile image, Network network, String name) {
        return spark(image, network, name)
                .withCommand(java("-Xmx256m org.apache.spark.deploy.worker.Worker --host " + name
                        + " --cores 1 --memory 1500m --work-dir /opt/spark/work spark://master:7077"))
                .waitingFor(Wait.forLogMessage(".*Successfully registered with master.*", 1));
    }

    private static void assertSameRows(Map<String, List<JsonNode>> cluster, Map<String, List<JsonNode>> local) {
        assertThat(cluster).containsOnlyKeys(local.keySet());
        local.forEach((file, rows) -> {
            List<JsonNode> other = cluster.get(file);
            assertThat(other).as(file).hasSameSizeAs(rows);
            for (int i = 0; i < rows.size(); i++) {
                for (String field : List.of("box", "person", "known", "reason", "modelVersion")) {
                    assertThat(other.get(i).get(field))
                            .as(file + " " + field)
                            .isEqualTo(rows.get(i).get(field));
                }
                if (rows.get(i).has("confidence")) {
                    assertThat(other.get(i).get("confidence").asDouble())
                            .isCloseTo(rows.get(i).get("confidence").asDouble(), within(1e-5));
                }
            }
        });
    }
}
