package dev.visage.batch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The job's command line: {@code --models DIR --input PATH --output PATH [--format jsonl|parquet]
 * [--model VERSION] [--master URL]}, plus any service setting as {@code --visage.<key>=<value>} (the detection
 * and identification settings, with the service's defaults).
 *
 * @param models the model store's folder, the same path on every machine of the cluster
 * @param input the photos: a file, a folder (read recursively) or a glob, on any file system Spark reads
 * @param output where the rows go: a folder that must not exist yet
 * @param format {@code parquet} or {@code jsonl}
 * @param model the stored model version; null for the store's {@code current}
 * @param master Spark's master URL; null for spark-submit's, or {@code local[*]} without it
 * @param settings the {@code visage.*} settings given, by key
 */
record BatchOptions(
        Path models,
        String input,
        String output,
        Format format,
        String model,
        String master,
        Map<String, String> settings) {

    static final String USAGE = "Usage: java -jar visage-batch.jar --models DIR --input PATH --output PATH"
            + " [--format jsonl|parquet] [--model VERSION] [--master URL] [--visage.<key>=<value> ...]";

    /** How the rows are written. */
    enum Format {
        PARQUET,
        JSONL
    }

    /** @throws IllegalArgumentException if an option is unknown, misses its value, or a required one is absent */
    static BatchOptions parse(String... args) {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--visage.") && arg.contains("=")) {
                settings.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("Unexpected argument: " + arg);
            }
        }
        BatchOptions parsed = new BatchOptions(
                Path.of(required(options, "models")),
                required(options, "input"),
                required(options, "output"),
                format(options.remove("format")),
                options.remove("model"),
                options.remove("master"),
                Map.copyOf(settings));
        if (!options.isEmpty()) {
            throw new IllegalArgumentException(
                    "Unknown option: --" + options.keySet().iterator().next());
        }
        return parsed;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.remove(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Missing --" + name);
        }
        return value;
    }

    private static Format format(String value) {
        if (value == null) {
            return Format.PARQUET;
        }
        try {
            return Format.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be jsonl or parquet, not " + value);
        }
    }
}
