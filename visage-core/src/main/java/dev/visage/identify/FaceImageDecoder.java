package dev.visage.identify;

import dev.visage.face.Photo;
import dev.visage.face.PhotoDecoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes an uploaded photo: reads its type and pixel size from the header first (so a small file that expands to
 * gigabytes is refused before any pixel is decoded), then decodes it once with {@link PhotoDecoder}, upright.
 * Big JPEGs decode reduced, to no less than {@link #DETAIL_SIDE} on their longer side: enough for every face the
 * detector can find, at a fraction of the memory.
 */
public final class FaceImageDecoder {

    static final Set<String> SUPPORTED_FORMATS = Set.of("jpeg", "png", "bmp", "gif");

    /** The longer side a reduced decode keeps at least. */
    static final int DETAIL_SIDE = 1600;

    private final long maxPixels;

    FaceImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /**
     * What the header says about an image, before any pixel is decoded.
     *
     * @param format ImageIO's lower-case format name
     * @param reduction the reduction the decode will use: inside the decoder for JPEG, after it for other formats
     */
    public record Header(String format, long width, long height, int reduction) {

        /**
         * Bytes that decoding takes at its peak, native and heap. A JPEG: its reduced B, G, R raster, a copy turned
         * upright, and the photo's Java array. Other formats decode whole (up to 16-bit RGBA, then 8-bit colour)
         * before they are reduced into the raster the photo's array copies.
         */
        long decodeBytes() {
            long reduced = ceilDiv(width, reduction) * ceilDiv(height, reduction);
            return "jpeg".equals(format) ? reduced * (3 + 3 + 3) : width * height * (8 + 3) + reduced * (3 + 3);
        }

        /**
         * How many pixels of the photo as sent (upright) one pixel of its reduced, upright decode spans, across and
         * down: the decode may be a quarter turn from the header's sides (EXIF orientation), told by its shape.
         */
        double[] sentPixelsPerDecoded(Photo upright) {
            double shape = (double) upright.width() / upright.height();
            boolean turned = Math.abs(shape - (double) height / width) < Math.abs(shape - (double) width / height);
            long sentWidth = turned ? height : width;
            long sentHeight = turned ? width : height;
            return new double[] {(double) sentWidth / upright.width(), (double) sentHeight / upright.height()};
        }

        private static long ceilDiv(long value, int divisor) {
            return (value + divisor - 1) / divisor;
        }
    }

    /** Decodes a photo whose header {@link #inspect} has read, upright. */
    Photo decode(byte[] bytes, Header header) {
        try {
            return PhotoDecoder.decode(bytes, header.reduction());
        } catch (IllegalArgumentException e) {
            throw ImageRejectedException.unreadable("The image is corrupt or truncated: " + e.getMessage());
        }
    }

    /** Reads the header: refuses empty uploads, unknown formats and images over the pixel limit. */
    Header inspect(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw ImageRejectedException.missing("The image part is empty");
        }
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw ImageRejectedException.unreadable(
                        "The upload is not an image in a known format (JPEG, PNG, BMP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!SUPPORTED_FORMATS.contains(format)) {
                    throw ImageRejectedException.unsupported(
                            "Images of type " + format + " are not supported; send JPEG, PNG, BMP or GIF");
                }
                reader.setInput(input, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw ImageRejectedException.tooLarge("The image is " + width + "x" + height + " pixels; at most "
                            + maxPixels + " pixels are accepted");
                }
                return new Header(format, width, height, reduction(width, height));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageRejectedException rejected) {
                throw rejected;
            }
            throw ImageRejectedException.unreadable("The image is corrupt or truncated: " + describe(e));
        }
    }

    /** The largest JPEG reduction (1, 2, 4 or 8) that keeps the longer side at {@link #DETAIL_SIDE} or more. */
    static int reduction(long width, long height) {
        long longer = Math.max(width, height);
        int reduction = 1;
        while (reduction < 8 && longer / (reduction * 2) >= DETAIL_SIDE) {
            reduction *= 2;
        }
        return reduction;
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
