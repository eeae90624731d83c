package dev.visage.dataset;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A published digest of a file, such as {@code MD5 68331da3eb755a505a502b5aacb3c201}.
 *
 * @param algorithm a {@link MessageDigest} algorithm name, for example {@code MD5} or {@code SHA-256}
 * @param hex the expected digest in hexadecimal, stored in lower case
 */
public record Checksum(String algorithm, String hex) {

    public Checksum {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        hex = hex.toLowerCase(Locale.ROOT);
        if (hex.isEmpty() || !hex.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException("Checksum '" + hex + "' is not hexadecimal");
        }
        // Fail when the checksum is configured, not after a download of a few hundred megabytes.
        newDigest(algorithm);
    }

    /** Whether {@code bytes} have this digest. */
    public boolean matches(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes)).equals(hex);
    }

    MessageDigest newDigest() {
        return newDigest(algorithm);
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalArgumentException("Unknown checksum algorithm '" + algorithm + "'", ex);
        }
    }
}
