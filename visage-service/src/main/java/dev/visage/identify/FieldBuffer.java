package dev.visage.identify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A short multipart text field (such as {@code top}), refused past a few bytes; and a byte search helper. */
final class FieldBuffer {

    private final String name;
    private final int maxBytes;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    FieldBuffer(String name, int maxBytes) {
        this.name = name;
        this.maxBytes = maxBytes;
    }

    String name() {
        return name;
    }

    void write(byte[] source, int offset, int count) {
        if (bytes.size() + count > maxBytes) {
            throw UploadRejectedException.tooLarge(
                    "The form field '" + name + "' is longer than " + maxBytes + " bytes");
        }
        bytes.write(source, offset, count);
    }

    String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Where {@code pattern} first occurs in {@code data[from, to)}, or -1. */
    static int indexOf(byte[] data, byte[] pattern, int from, int to) {
        byte first = pattern[0];
        for (int i = from; i <= to - pattern.length; i++) {
            if (data[i] != first) {
                continue;
            }
            int k = 1;
            while (k < pattern.length && data[i + k] == pattern[k]) {
                k++;
            }
            if (k == pattern.length) {
                return i;
            }
        }
        return -1;
    }
}
