package dev.visage.identify;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * How many bytes decoding an upload will take, from its header alone: the decoded raster plus the copies the
 * pipeline makes of it (a B, G, R array for {@code Photo}; an int per pixel for grey, palette and alpha images, and
 * twice more for a JPEG turned upright by its EXIF orientation). Charged to the decoding budget before the decoder
 * allocates anything. Unreadable headers and images over the pixel limit cost nothing here: the decoder refuses
 * them.
 */
final class DecodeCost {

    private DecodeCost() {}

    static long of(byte[] bytes, long maxPixels) {
        if (bytes == null || bytes.length == 0) {
            return 0;
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                return 0;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    return 0;
                }
                long perPixel = bytesPerPixel(reader.getImageTypes(0));
                if ("jpeg".equalsIgnoreCase(reader.getFormatName())
                        && ExifOrientation.of(bytes) != ExifOrientation.NORMAL) {
                    perPixel += 4 + 4 + 3; // drawn upright into an int raster, read back as ints, then B, G, R
                }
                return pixels * perPixel;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long bytesPerPixel(Iterator<ImageTypeSpecifier> types) {
        int type = types.hasNext() ? types.next().getBufferedImageType() : BufferedImage.TYPE_CUSTOM;
        return switch (type) {
            case BufferedImage.TYPE_3BYTE_BGR -> 3; // the raster is the B, G, R array
            case BufferedImage.TYPE_BYTE_GRAY -> 1 + 4 + 3;
            default -> 4 + 4 + 3;
        };
    }
}
