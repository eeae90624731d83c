package dev.visage.identify;

import java.util.Locale;
import java.util.Map;

/**
 * A multipart/form-data upload read into memory: the image part, if any, and the short text fields. It holds its
 * bytes' share of the {@link MemoryBudget} until closed.
 */
public final class Upload implements AutoCloseable {

    private final Image image;
    private final Map<String, String> fields;
    private final MemoryBudget.Permit permit;

    Upload(Image image, Map<String, String> fields, MemoryBudget.Permit permit) {
        this.image = image;
        this.fields = Map.copyOf(fields);
        this.permit = permit;
    }

    /** The part named {@code image}, or null when there was none. */
    public Image image() {
        return image;
    }

    /** The text fields by name (the first of each name). */
    public Map<String, String> fields() {
        return fields;
    }

    @Override
    public void close() {
        permit.close();
    }

    /**
     * The boundary of a multipart/form-data Content-Type.
     *
     * @throws UploadRejectedException when there is none, or an empty or overlong one
     */
    public static String boundary(String contentType) {
        String boundary = contentType == null ? null : PartHeaders.parameter(contentType, "boundary");
        if (boundary == null) {
            throw UploadRejectedException.malformed(
                    "The Content-Type multipart/form-data has no boundary parameter, so its parts cannot be found");
        }
        if (boundary.isEmpty() || boundary.length() > 70) {
            throw UploadRejectedException.malformed(
                    "The multipart boundary must have 1 to 70 characters, not " + boundary.length() + " (RFC 2046)");
        }
        return boundary;
    }

    /** Whether a Content-Type is multipart/form-data. */
    public static boolean isMultipart(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /** The uploaded image: its bytes (read once, in an array of exactly their size) and what the client said. */
    public record Image(String fileName, String contentType, byte[] bytes) {}
}
