package dev.visage.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** SHA-256 sums of a version's files, as {@code model.json} records them. */
final class Checksums {

    private Checksums() {}

    /** The lower-case hex SHA-256 of a file. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The sums of {@code files} (relative to {@code folder}), in the given order. */
    static Map<String, String> of(Path folder, List<String> files) throws IOException {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String file : files) {
            sums.put(file, sha256(folder.resolve(file)));
        }
        return sums;
    }

    /**
     * Checks every recorded sum.
     *
     * @return null when all match, else what is wrong, for people
     */
    static String mismatch(Path folder, Map<String, String> expected) throws IOException {
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            Path file = folder.resolve(entry.getKey()).normalize();
            if (!file.startsWith(folder) || !Files.isRegularFile(file)) {
                return entry.getKey() + " is missing";
            }
            String actual = sha256(file);
            if (!actual.equalsIgnoreCase(entry.getValue())) {
                return entry.getKey() + " has SHA-256 " + actual + ", but model.json records " + entry.getValue()
                        + " (the file was changed or damaged after it was stored)";
            }
        }
        return null;
    }
}
