package dev.visage.identify;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an uploaded photo: checks its type and pixel size from the header before any pixel is decoded (so a
 * small file that expands to gigabytes is refused), treats decoder warnings such as a premature end of data as
 * corruption, and turns JPEGs upright according to their EXIF orientation.
 */
final class FaceImageDecoder {

    static final Set<String> SUPPORTED_FORMATS = Set.of("jpeg", "png", "bmp", "gif");

    private final long maxPixels;

    FaceImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    BufferedImage decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw ImageRejectedException.missing("The image part is empty");
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw ImageRejectedException.unreadable(
                        "The upload is not an image in a known format " + "(JPEG, PNG, BMP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!SUPPORTED_FORMATS.contains(format)) {
                    throw ImageRejectedException.unsupported(
                            "Images of type " + format + " are not supported; " + "send JPEG, PNG, BMP or GIF");
                }
                reader.setInput(input, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw ImageRejectedException.tooLarge("The image is " + width + "x" + height + " pixels; at most "
                            + maxPixels + " pixels are accepted");
                }
                reader.addIIOReadWarningListener(CORRUPTION);
                BufferedImage image = reader.read(0);
                return "jpeg".equals(format) ? ExifOrientation.apply(image, ExifOrientation.of(bytes)) : image;
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

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** ImageIO reports a truncated JPEG only as a warning and returns grey pixels; treat it as an error. */
    private static final IIOReadWarningListener CORRUPTION = (source, warning) -> {
        throw new IllegalStateException(warning);
    };
}
