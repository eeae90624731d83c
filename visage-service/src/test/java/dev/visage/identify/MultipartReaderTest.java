package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartReaderTest {

    private static final String BOUNDARY = "----visageBoundary42";
    private static final long MAX_IMAGE = 1 << 20;

    private final MemoryBudget budget = new MemoryBudget("uploads", 64L << 20);

    /** Any chunking of the same body gives the same parts, and the image bytes exactly. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 17, 4096, 1 << 20})
    void readsTheImageAndFieldsWhateverTheChunks(int chunk) throws Exception {
        byte[] image = randomBytes(300_000, 7);
        // Bytes that look like a boundary, but are not one, must stay in the image.
        byte[] almost = ("\r\n--" + BOUNDARY.substring(0, 10)).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(almost, 0, image, 1000, almost.length);
        byte[] body = body(part("top", null, "5".getBytes()), part("image", "face.jpg", image), closing());
        try (Upload upload = read(body, body.length, chunk)) {
            assertThat(upload.image().bytes()).isEqualTo(image);
            assertThat(upload.image().fileName()).isEqualTo("face.jpg");
            assertThat(upload.image().contentType()).isEqualTo("application/octet-stream");
            assertThat(upload.fields()).containsEntry("top", "5");
            assertThat(budget.inUse()).isPositive();
        }
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void anImageWhoseSizeTheContentLengthTellsIsReadIntoOneArrayOfExactlyItsSize() throws IOException {
        byte[] image = randomBytes(500_000, 8);
        byte[] body = body(part("image", "face.jpg", image), closing());
        MultipartReader reader = new MultipartReader(BOUNDARY, body.length, MAX_IMAGE, 10, budget.acquire(0));
        readAll(reader, new ByteArrayInputStream(body));
        // Staging buffer plus the image array: the image was never held twice.
        assertThat(budget.inUse()).isEqualTo(32 * 1024 + image.length);
        try (Upload upload = reader.finish()) {
            assertThat(upload.image().bytes()).isEqualTo(image);
        }
    }

    @Test
    void noImagePartAndAnEmptyImagePartAreTold() {
        byte[] noImage = body(part("top", null, "2".getBytes()), closing());
        try (Upload upload = read(noImage, noImage.length, 100)) {
            assertThat(upload.image()).isNull();
        }
        byte[] empty = body(part("image", "face.jpg", new byte[0]), closing());
        try (Upload upload = read(empty, empty.length, 100)) {
            assertThat(upload.image().bytes()).isEmpty();
        }
    }

    @Test
    void aBodyCutBeforeItsClosingBoundaryIsMalformed() {
        byte[] body = body(part("image", "face.jpg", randomBytes(5000, 9)));
        assertThatThrownBy(() -> read(body, body.length, 512))
                .isInstanceOfSatisfying(
                        UploadRejectedException.class,
                        e -> assertThat(e.problem().type()).isEqualTo("malformed-multipart"))
                .hasMessageContaining("ends before its closing boundary");
    }

    @Test
    void aBodyWithoutItsBoundaryIsMalformed() {
        byte[] body = "just some bytes".getBytes();
        assertThatThrownBy(() -> read(body, body.length, 512))
                .isInstanceOf(UploadRejectedException.class)
                .hasMessageContaining("no part delimited by its boundary");
    }

    @Test
    void boundariesAreRequiredNonEmptyAndShort() {
        assertThat(Upload.boundary("multipart/form-data; boundary=\"abc def\"")).isEqualTo("abc def");
        assertThat(Upload.boundary("multipart/form-data; charset=utf-8; boundary=xyz"))
                .isEqualTo("xyz");
        assertThatThrownBy(() -> Upload.boundary("multipart/form-data")).hasMessageContaining("no boundary parameter");
        assertThatThrownBy(() -> Upload.boundary("multipart/form-data; boundary="))
                .hasMessageContaining("1 to 70 characters, not 0");
        assertThatThrownBy(() -> Upload.boundary("multipart/form-data; boundary=" + "x".repeat(71)))
                .hasMessageContaining("not 71");
    }

    @Test
    void partsAreCountedApartFromBytes() {
        ByteArrayOutputStream parts = new ByteArrayOutputStream();
        for (int i = 0; i < 11; i++) {
            parts.writeBytes(part("field" + i, null, "x".getBytes()));
        }
        byte[] body = body(parts.toByteArray(), closing());
        assertThatThrownBy(() -> read(body, body.length, 4096))
                .isInstanceOfSatisfying(
                        UploadRejectedException.class,
                        e -> assertThat(e.problem().type()).isEqualTo("too-many-parts"))
                .hasMessageContaining("more than 10 parts");
    }

    @Test
    void tooLargeImagesAndBodiesAreRefusedBeforeTheyAreHeld() {
        byte[] image = randomBytes((int) MAX_IMAGE + 1, 10);
        byte[] body = body(part("image", "face.jpg", image), closing());
        // Without a Content-Length, when the image passes the limit.
        assertThatThrownBy(() -> read(body, -1, 8192))
                .isInstanceOfSatisfying(
                        UploadRejectedException.class,
                        e -> assertThat(e.problem().type()).isEqualTo("upload-too-large"))
                .hasMessageContaining("image part is larger than the accepted maximum of " + MAX_IMAGE);
        assertThat(budget.inUse()).isZero();
        // With one over the body limit, before a byte is read.
        long tooLong = MAX_IMAGE + MultipartReader.FRAMING_BYTES + 1;
        try (MemoryBudget.Permit permit = budget.acquire(0)) {
            assertThatThrownBy(() -> new MultipartReader(BOUNDARY, tooLong, MAX_IMAGE, 10, permit))
                    .hasMessageContaining("request body of " + tooLong + " bytes is larger than the accepted");
        }
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void aFullBudgetRefusesTheUpload() {
        MemoryBudget small = new MemoryBudget("uploads", 100_000);
        MemoryBudget.Permit another = small.acquire(1);
        byte[] body = body(part("image", "face.jpg", randomBytes(200_000, 11)), closing());
        MultipartReader reader = new MultipartReader(BOUNDARY, body.length, MAX_IMAGE, 10, small.acquire(0));
        assertThatThrownBy(() -> readAll(reader, new ByteArrayInputStream(body)))
                .isInstanceOf(ServiceBusyException.class)
                .hasMessageContaining("memory for uploads");
    }

    @Test
    void overlongPartHeadersAndFieldsAreRefused() {
        byte[] headers = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"\r\nX-Pad: "
                        + "p".repeat(9000) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> read(headers, -1, 4096)).hasMessageContaining("headers of a part are longer");
        byte[] field = body(part("top", null, "9".repeat(2000).getBytes()), closing());
        assertThatThrownBy(() -> read(field, field.length, 4096)).hasMessageContaining("'top' is longer than");
    }

    private static void readAll(MultipartReader reader, InputStream input) throws IOException {
        while (reader.readFrom(input) >= 0) {
            // until the end
        }
    }

    /** Reads as the filter does: the permit is given back when the reader refuses the body. */
    private Upload read(byte[] body, long contentLength, int chunk) {
        MemoryBudget.Permit permit = budget.acquire(0);
        try {
            MultipartReader reader = new MultipartReader(BOUNDARY, contentLength, MAX_IMAGE, 10, permit);
            readAll(reader, new ChunkedInput(body, chunk));
            return reader.finish();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (RuntimeException e) {
            permit.close();
            throw e;
        }
    }

    static byte[] part(String name, String fileName, byte[] content) {
        String headers = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (fileName == null ? "" : "; filename=\"" + fileName + "\"\r\nContent-Type: application/octet-stream")
                + "\r\n\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(headers.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static byte[] closing() {
        return ("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] body(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Hands out at most {@code chunk} bytes per read, as a network connection does. */
    private static final class ChunkedInput extends ByteArrayInputStream {
        private final int chunk;

        ChunkedInput(byte[] data, int chunk) {
            super(data);
            this.chunk = chunk;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, chunk));
        }
    }
}
