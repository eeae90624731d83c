package dev.visage.identify;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/**
 * Reads the EXIF orientation tag of a JPEG and turns the decoded image upright, as cameras and phones expect
 * viewers to do. Only the few bytes of the APP1 segment are parsed; no metadata library is needed.
 */
final class ExifOrientation {

    static final int NORMAL = 1;
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {}

    /** The orientation (1..8) stored in a JPEG's EXIF data, or 1 when there is none or it is unreadable. */
    static int of(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xff || (jpeg[1] & 0xff) != 0xd8) {
            return NORMAL;
        }
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xff) == 0xff) {
            int marker = jpeg[at + 1] & 0xff;
            int length = u16(jpeg, at + 2, false);
            if (marker == 0xda || length < 2) {
                break;
            }
            if (marker == 0xe1 && length >= 16 && startsWithExif(jpeg, at + 4)) {
                return orientationInTiff(jpeg, at + 10, Math.min(jpeg.length, at + 2 + length));
            }
            at += 2 + length;
        }
        return NORMAL;
    }

    private static boolean startsWithExif(byte[] data, int at) {
        return at + 6 <= data.length
                && data[at] == 'E'
                && data[at + 1] == 'x'
                && data[at + 2] == 'i'
                && data[at + 3] == 'f'
                && data[at + 4] == 0
                && data[at + 5] == 0;
    }

    private static int orientationInTiff(byte[] data, int tiff, int end) {
        if (tiff + 8 > end) {
            return NORMAL;
        }
        boolean little = data[tiff] == 'I' && data[tiff + 1] == 'I';
        long ifd = tiff + u32(data, tiff + 4, little);
        if (ifd + 2 > end) {
            return NORMAL;
        }
        int entries = u16(data, (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int entry = (int) ifd + 2 + 12 * i;
            if (entry + 12 > end) {
                break;
            }
            if (u16(data, entry, little) == ORIENTATION_TAG) {
                int value = u16(data, entry + 8, little);
                return value >= 1 && value <= 8 ? value : NORMAL;
            }
        }
        return NORMAL;
    }

    /** The image turned upright for the given orientation. */
    static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation <= NORMAL || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        AffineTransform t = new AffineTransform();
        switch (orientation) {
            case 2 -> t.setTransform(-1, 0, 0, 1, w, 0);
            case 3 -> t.setTransform(-1, 0, 0, -1, w, h);
            case 4 -> t.setTransform(1, 0, 0, -1, 0, h);
            case 5 -> t.setTransform(0, 1, 1, 0, 0, 0);
            case 6 -> t.setTransform(0, 1, -1, 0, h, 0);
            case 7 -> t.setTransform(0, -1, -1, 0, h, w);
            default -> t.setTransform(0, -1, 1, 0, 0, w);
        }
        boolean swapsSides = orientation >= 5;
        BufferedImage upright = new BufferedImage(swapsSides ? h : w, swapsSides ? w : h, BufferedImage.TYPE_INT_RGB);
        // Drawing converts any source type; AffineTransformOp.filter refuses 3-byte BGR JPEGs into an RGB target.
        Graphics2D graphics = upright.createGraphics();
        try {
            graphics.drawImage(image, t, null);
        } finally {
            graphics.dispose();
        }
        return upright;
    }

    private static int u16(byte[] data, int at, boolean little) {
        int a = data[at] & 0xff;
        int b = data[at + 1] & 0xff;
        return little ? (b << 8) | a : (a << 8) | b;
    }

    private static long u32(byte[] data, int at, boolean little) {
        long high = u16(data, little ? at + 2 : at, little);
        long low = u16(data, little ? at : at + 2, little);
        return (high << 16) | low;
    }
}
