package dev.visage.batch;

import dev.visage.store.ModelStore;
import dev.visage.store.ModelStoreException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identifies every face of a photo archive on Spark: reads the photos from any path Spark reads, finds and
 * identifies their faces with one stored model version on the executors, and writes one row per face (and one per
 * photo without a face, with the reason) as Parquet or JSON Lines. A missing version, an unreadable store, a model
 * that fails its checks or an existing output stops the job before any photo is read; a bad photo never does.
 */
public final class BatchJob {

    private static final Logger log = LoggerFactory.getLogger(BatchJob.class);

    private final BatchOptions options;

    BatchJob(BatchOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        BatchOptions options;
        try {
            options = BatchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BatchOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            new BatchJob(options).run();
        } catch (JobRefusedException e) {
            System.err.println("visage-batch: " + e.getMessage());
            System.exit(2);
        }
    }

    /** A job that cannot start: the message says why, for a person. */
    static final class JobRefusedException extends RuntimeException {
        JobRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Runs the job and returns how many photos it read. */
    long run() {
        String version = checkedVersion();
        SparkSession spark = session();
        try {
            checkOutputIsNew(spark);
            Dataset<Row> photos = spark.read()
                    .format("binaryFile")
                    .option("recursiveFileLookup", "true")
                    .load(options.input());
            long total = photos.count();
            LongAccumulator done = spark.sparkContext().longAccumulator("photos identified");
            log.info("Identifying the faces of {} photos in {} with model {}", total, options.input(), version);
            // What the executors' tasks need, in serializable form.
            String models = options.models().toString();
            HashMap<String, String> settings = new HashMap<>(options.settings());
            Dataset<Row> rows = photos.select("path", "length", "content")
                    .mapPartitions(
                            (MapPartitionsFunction<Row, Row>)
                                    partition -> ExecutorModels.get(Path.of(models), version, settings)
                                            .identify(partition, done),
                            Encoders.row(FaceRows.SCHEMA));
            try (Progress progress = Progress.start(done, total)) {
                if (options.format() == BatchOptions.Format.JSONL) {
                    rows.write().json(options.output());
                } else {
                    rows.write().parquet(options.output());
                }
            }
            return total;
        } finally {
            spark.stop();
        }
    }

    /**
     * The version to use (the given one, or the store's {@code current}), loaded and self-tested in this JVM:
     * the driver refuses a bad store or model before Spark reads a photo.
     */
    private String checkedVersion() {
        Path models = options.models();
        if (!Files.isDirectory(models) || !Files.isReadable(models)) {
            throw new JobRefusedException("Cannot read the model store " + models + ": no such readable folder", null);
        }
        try {
            String version = options.model() != null
                    ? options.model()
                    : new ModelStore(models, 1)
                            .currentVersion()
                            .orElseThrow(() -> new JobRefusedException(
                                    "The model store " + models + " has no current model; name one with --model",
                                    null));
            ExecutorModels.get(models, version, options.settings());
            return version;
        } catch (ModelStoreException e) {
            throw new JobRefusedException("Model store " + models + ": " + e.getMessage(), e);
        }
    }

    /**
     * Spark's session: the master given, else spark-submit's, else {@code local[*]}. Started with {@code java -jar}
     * against a cluster, the job sends its own jar to the executors (spark-submit does that itself).
     */
    private SparkSession session() {
        SparkConf given = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName("visage-batch");
        String master = options.master() != null ? options.master() : given.get("spark.master", "local[*]");
        builder.master(master);
        if (!master.startsWith("local") && !given.contains("spark.jars")) {
            ownJar().ifPresent(jar -> builder.config("spark.jars", jar));
        }
        SparkSession session = builder.getOrCreate();
        // Spark logs a line per file it reads: at WARN, so that the progress lines stand out.
        Configurator.setLevel("org.apache.spark.sql.execution.datasources.FileScanRDD", Level.WARN);
        return session;
    }

    /** The jar this class was loaded from, if it was loaded from one. */
    private static Optional<String> ownJar() {
        try {
            Path location = Path.of(BatchJob.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return location.toString().endsWith(".jar") ? Optional.of(location.toString()) : Optional.empty();
        } catch (URISyntaxException | SecurityException e) {
            return Optional.empty();
        }
    }

    private void checkOutputIsNew(SparkSession spark) {
        org.apache.hadoop.fs.Path output = new org.apache.hadoop.fs.Path(options.output());
        try {
            FileSystem fileSystem = output.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fileSystem.exists(output)) {
                throw new JobRefusedException("The output " + options.output() + " exists already", null);
            }
        } catch (IOException e) {
            throw new JobRefusedException("Cannot reach the output " + options.output() + ": " + e.getMessage(), e);
        }
    }
}
