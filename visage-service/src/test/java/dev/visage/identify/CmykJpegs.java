package dev.visage.identify;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Element;

/**
 * Writes one photo as JPEG three ways, as cameras and editors do: plain RGB (JFIF), four-channel CMYK (Adobe APP14
 * transform 0, as Pillow writes it) and YCCK (transform 2, as ImageMagick and Photoshop write CMYK). Both CMYK
 * forms store the ink values inverted, the Adobe convention that decoders expect.
 */
final class CmykJpegs {

    /** Adobe APP14 transforms: the colour model of a four-channel JPEG. */
    static final int CMYK = 0;

    static final int YCCK = 2;

    private static final float QUALITY = 0.92f;
    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

    private CmykJpegs() {}

    static byte[] rgb(BufferedImage image) throws IOException {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        rgb.getGraphics().drawImage(image, 0, 0, null);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            return write(writer, new IIOImage(rgb, null, null));
        } finally {
            writer.dispose();
        }
    }

    /** @param transform {@link #CMYK} or {@link #YCCK} */
    static byte[] fourChannel(BufferedImage image, int transform) throws IOException {
        WritableRaster raster =
                Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, image.getWidth(), image.getHeight(), 4, null);
        int[] samples = new int[4];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                invertedCmyk((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, samples);
                if (transform == YCCK) {
                    toYcck(samples);
                }
                raster.setPixel(x, y, samples);
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            return write(writer, new IIOImage(raster, null, adobeMetadata(writer, transform)));
        } finally {
            writer.dispose();
        }
    }

    /** C, M, Y, K of an sRGB colour (K from the brightest channel), stored inverted (255 = no ink). */
    private static void invertedCmyk(int r, int g, int b, int[] out) {
        double k = 1 - Math.max(r, Math.max(g, b)) / 255.0;
        double white = 1 - k;
        out[0] = inverted(white == 0 ? 0 : (white - r / 255.0) / white);
        out[1] = inverted(white == 0 ? 0 : (white - g / 255.0) / white);
        out[2] = inverted(white == 0 ? 0 : (white - b / 255.0) / white);
        out[3] = inverted(k);
    }

    private static int inverted(double ink) {
        return (int) Math.round(255 * (1 - ink));
    }

    /** YCCK: the first three channels as YCbCr (JFIF's matrix) of 255 minus each, K as it is. */
    private static void toYcck(int[] samples) {
        double r = 255 - samples[0];
        double g = 255 - samples[1];
        double b = 255 - samples[2];
        samples[0] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
        samples[1] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        samples[2] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    /** The writer's metadata for four channels, without JFIF and with an Adobe marker of the given transform. */
    private static IIOMetadata adobeMetadata(ImageWriter writer, int transform) throws IOException {
        ImageTypeSpecifier fourChannels = ImageTypeSpecifier.createInterleaved(
                ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {0, 1, 2, 3}, DataBuffer.TYPE_BYTE, true, false);
        IIOMetadata metadata = writer.getDefaultImageMetadata(fourChannels, writer.getDefaultWriteParam());
        Element root = (Element) metadata.getAsTree(JPEG_METADATA);
        Element variety = (Element) root.getElementsByTagName("JPEGvariety").item(0);
        while (variety.hasChildNodes()) {
            variety.removeChild(variety.getFirstChild());
        }
        Element markers = (Element) root.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
        adobe.setAttribute("transform", Integer.toString(transform));
        markers.insertBefore(adobe, markers.getFirstChild());
        metadata.setFromTree(JPEG_METADATA, root);
        return metadata;
    }

    private static byte[] write(ImageWriter writer, IIOImage image) throws IOException {
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(QUALITY);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, image, param);
        }
        return bytes.toByteArray();
    }
}
