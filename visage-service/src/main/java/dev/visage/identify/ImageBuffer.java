package dev.visage.identify;

/**
 * The bytes of the uploaded image, written once as they arrive into one array charged to the {@link MemoryBudget}.
 * The array starts small, so a client that stops after a few bytes holds little, and then jumps to the size the
 * request's Content-Length announces (or doubles where there is none), so that a normal upload is copied at most
 * once more, from the first small array. It never grows past the accepted maximum.
 */
final class ImageBuffer {

    static final int INITIAL_CAPACITY = 64 * 1024;

    private final MemoryBudget.Permit permit;
    private final long maxBytes;
    private final long expected;
    private byte[] data;
    private int length;

    /**
     * @param expected the image's size as far as the Content-Length tells (0 when unknown)
     */
    ImageBuffer(MemoryBudget.Permit permit, long maxBytes, long expected) {
        this.permit = permit;
        this.maxBytes = maxBytes;
        this.expected = Math.min(Math.max(expected, 0), maxBytes);
        int initial = (int) (this.expected > 0 ? Math.min(this.expected, INITIAL_CAPACITY) : INITIAL_CAPACITY);
        permit.grow(initial);
        this.data = new byte[initial];
    }

    void write(byte[] source, int offset, int count) {
        long needed = (long) length + count;
        if (needed > maxBytes) {
            throw UploadRejectedException.tooLarge(
                    "The image part is larger than the accepted maximum of " + maxBytes + " bytes");
        }
        if (needed > data.length) {
            long target = expected >= needed ? expected : Math.max(needed, Math.min(2L * data.length, maxBytes));
            resize((int) target);
        }
        System.arraycopy(source, offset, data, length, count);
        length += count;
    }

    /** The image, in an array of exactly its size (the same array when the Content-Length was right). */
    byte[] bytes() {
        if (length != data.length) {
            resize(length);
        }
        return data;
    }

    int length() {
        return length;
    }

    private void resize(int capacity) {
        int old = data.length;
        permit.grow(capacity);
        byte[] resized = new byte[capacity];
        System.arraycopy(data, 0, resized, 0, length);
        data = resized;
        permit.shrink(old);
    }
}
