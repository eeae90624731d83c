package dev.visage.face;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** Photos made from ImageIO images, for tests that draw or compare with Java 2D. */
final class TestPhotos {

    private TestPhotos() {}

    /**
     * The pixels of an ImageIO image. Grey images are read as stored: drawing them into a colour image would treat
     * their values as linear light and brighten them.
     */
    static Photo of(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY || image.getType() == BufferedImage.TYPE_USHORT_GRAY) {
            int shift = image.getType() == BufferedImage.TYPE_USHORT_GRAY ? 8 : 0;
            int[] grey = image.getRaster().getSamples(0, 0, width, height, 0, (int[]) null);
            byte[] bgr = new byte[grey.length * 3];
            for (int i = 0; i < grey.length; i++) {
                byte value = (byte) (grey[i] >> shift);
                bgr[3 * i] = value;
                bgr[3 * i + 1] = value;
                bgr[3 * i + 2] = value;
            }
            return new Photo(bgr, width, height);
        }
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getData().length == width * height * 3) {
            return new Photo(buffer.getData(), width, height);
        }
        // Other layouts (palettes, alpha, 16 bits): colour values in sRGB, alpha ignored.
        int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
        byte[] bgr = new byte[rgb.length * 3];
        for (int i = 0; i < rgb.length; i++) {
            bgr[3 * i] = (byte) rgb[i];
            bgr[3 * i + 1] = (byte) (rgb[i] >> 8);
            bgr[3 * i + 2] = (byte) (rgb[i] >> 16);
        }
        return new Photo(bgr, width, height);
    }
}
