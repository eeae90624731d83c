package dev.visage.identify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a multipart/form-data body as it arrives, in pushes of whatever the connection has: the part named
 * {@code image} goes straight into an {@link ImageBuffer}, short text fields (such as {@code top}) are kept, other
 * file parts are skipped. Everything is bounded: the body, the image, the number of parts, header and field sizes;
 * every byte held is charged to the {@link MemoryBudget}. Works the same for blocking and non-blocking reads.
 */
final class MultipartReader {

    /** Body bytes accepted on top of the image: boundaries, part headers, small fields. */
    static final int FRAMING_BYTES = 64 * 1024;

    static final String IMAGE_PART = "image";
    private static final int STAGING_BYTES = 32 * 1024;
    private static final int MAX_HEADER_BYTES = 8 * 1024;
    private static final int MAX_FIELD_BYTES = 1024;
    private static final byte[] BLANK_LINE = {'\r', '\n', '\r', '\n'};

    private enum State {
        PREAMBLE,
        AFTER_DELIMITER,
        HEADERS,
        DATA,
        EPILOGUE
    }

    private final byte[] delimiter;
    private final long contentLength;
    private final long maxBodyBytes;
    private final long maxImageBytes;
    private final int maxParts;
    private final MemoryBudget.Permit permit;
    private final byte[] staging = new byte[STAGING_BYTES];
    private final Map<String, String> fields = new LinkedHashMap<>();
    private int start;
    private int end;
    private long received;
    private State state = State.PREAMBLE;
    private int parts;
    private PartHeaders part;
    private ImageBuffer image;
    private PartHeaders imageHeaders;
    private FieldBuffer field;

    /**
     * @param permit charged with the staging buffer here and the image as it grows; the caller closes it
     */
    MultipartReader(String boundary, long contentLength, long maxImageBytes, int maxParts, MemoryBudget.Permit permit) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.contentLength = contentLength;
        this.maxImageBytes = maxImageBytes;
        this.maxBodyBytes = maxImageBytes + FRAMING_BYTES;
        this.maxParts = maxParts;
        this.permit = permit;
        permit.grow(STAGING_BYTES);
        if (contentLength > maxBodyBytes) {
            throw tooLargeBody(contentLength);
        }
        // The first delimiter has no line break before it: pretend there was one.
        staging[0] = '\r';
        staging[1] = '\n';
        end = 2;
    }

    /**
     * Reads once from {@code in} and processes what came.
     *
     * @return the bytes read, or -1 at the end of the body
     */
    int readFrom(InputStream in) throws IOException {
        compact();
        int n = in.read(staging, end, staging.length - end);
        if (n > 0) {
            accept(n);
        }
        return n;
    }

    /** The body has ended: the upload, if it was complete. */
    Upload finish() {
        if (state != State.EPILOGUE) {
            throw UploadRejectedException.malformed(
                    state == State.PREAMBLE && parts == 0
                            ? "The multipart body has no part delimited by its boundary"
                            : "The multipart body ends before its closing boundary");
        }
        Upload.Image uploaded = image == null
                ? null
                : new Upload.Image(imageHeaders.fileName(), imageHeaders.contentType(), image.bytes());
        return new Upload(uploaded, fields, permit);
    }

    long received() {
        return received;
    }

    private void accept(int n) {
        received += n;
        if (received > maxBodyBytes) {
            throw tooLargeBody(contentLength > 0 ? contentLength : received);
        }
        end += n;
        process();
    }

    private void process() {
        while (true) {
            switch (state) {
                case PREAMBLE, DATA -> {
                    if (!findDelimiter()) {
                        return;
                    }
                }
                case AFTER_DELIMITER -> {
                    if (!afterDelimiter()) {
                        return;
                    }
                }
                case HEADERS -> {
                    if (!headers()) {
                        return;
                    }
                }
                case EPILOGUE -> {
                    start = end;
                    return;
                }
            }
        }
    }

    private boolean findDelimiter() {
        int at = FieldBuffer.indexOf(staging, delimiter, start, end);
        if (at < 0) {
            int safe = end - (delimiter.length - 1);
            if (safe > start) {
                emit(start, safe);
                start = safe;
            }
            return false;
        }
        emit(start, at);
        start = at + delimiter.length;
        endPart();
        state = State.AFTER_DELIMITER;
        return true;
    }

    private boolean afterDelimiter() {
        while (start < end && (staging[start] == ' ' || staging[start] == '\t')) {
            start++;
        }
        if (end - start < 2) {
            return false;
        }
        if (staging[start] == '-' && staging[start + 1] == '-') {
            state = State.EPILOGUE;
        } else if (staging[start] == '\r' && staging[start + 1] == '\n') {
            state = State.HEADERS; // the line break stays: an empty header block is then one blank line
        } else {
            throw UploadRejectedException.malformed("A multipart boundary is followed by neither a line break nor --");
        }
        return true;
    }

    private boolean headers() {
        int blank = FieldBuffer.indexOf(staging, BLANK_LINE, start, end);
        if ((blank < 0 ? end : blank) - start > MAX_HEADER_BYTES) {
            throw UploadRejectedException.tooLarge(
                    "The headers of a part are longer than " + MAX_HEADER_BYTES + " bytes");
        }
        if (blank < 0) {
            return false;
        }
        String block = blank == start ? "" : new String(staging, start + 2, blank - start - 2, StandardCharsets.UTF_8);
        start = blank + BLANK_LINE.length;
        beginPart(PartHeaders.parse(block));
        state = State.DATA;
        return true;
    }

    private void beginPart(PartHeaders headers) {
        if (++parts > maxParts) {
            throw UploadRejectedException.tooManyParts("The request has more than " + maxParts
                    + " parts; send the image as the part 'image' and at most " + (maxParts - 1) + " others");
        }
        part = headers;
        if (headers.name().equals(IMAGE_PART)) {
            if (image != null) {
                throw UploadRejectedException.malformed("The request has more than one part named 'image'");
            }
            long consumed = received - (end - start);
            long expected = contentLength > 0 ? contentLength - consumed - (delimiter.length + 4) : 0;
            image = new ImageBuffer(permit, maxImageBytes, expected);
            imageHeaders = headers;
        } else if (headers.fileName() == null) {
            field = new FieldBuffer(headers.name(), MAX_FIELD_BYTES);
        }
    }

    private void emit(int from, int to) {
        if (state != State.DATA || to <= from || part == null) {
            return;
        }
        if (part == imageHeaders) {
            image.write(staging, from, to - from);
        } else if (field != null) {
            field.write(staging, from, to - from);
        }
    }

    private void endPart() {
        if (field != null) {
            fields.putIfAbsent(field.name(), field.text());
        }
        field = null;
        part = null;
    }

    private void compact() {
        if (start > 0) {
            System.arraycopy(staging, start, staging, 0, end - start);
            end -= start;
            start = 0;
        }
    }

    private UploadRejectedException tooLargeBody(long bytes) {
        return UploadRejectedException.bodyTooLarge(bytes, maxBodyBytes, maxImageBytes, FRAMING_BYTES);
    }
}
