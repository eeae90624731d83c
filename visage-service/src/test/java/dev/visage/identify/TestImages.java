package dev.visage.identify;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Image bytes for the identification tests: encoded images, EXIF segments and crafted PNG headers. */
public final class TestImages {

    private TestImages() {}

    /** An image of one colour. */
    public static BufferedImage solid(int width, int height, int type, int rgb) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** The image encoded by ImageIO in the given format ("jpg", "png", "bmp", "gif", "tiff"). */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException(
                        "No ImageIO writer for " + format + " and image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * An APP1 segment (marker included) holding an EXIF TIFF header and one IFD whose entries are
     * {@code tags[i]} (type SHORT, count 1) = {@code values[i]}.
     */
    public static byte[] exifSegment(boolean littleEndian, int[] tags, int[] values) {
        ByteOrder order = littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 * tags.length + 4).order(order);
        tiff.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M');
        tiff.putShort((short) 42).putInt(8);
        tiff.putShort((short) tags.length);
        for (int i = 0; i < tags.length; i++) {
            tiff.putShort((short) tags[i]).putShort((short) 3).putInt(1);
            // A SHORT value sits in the first two bytes of the 4-byte value field, in the file's byte order.
            tiff.putShort((short) values[i]).putShort((short) 0);
        }
        tiff.putInt(0);
        return app1(concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff.array()));
    }

    /** An EXIF APP1 segment holding only the orientation tag. */
    public static byte[] orientationSegment(boolean littleEndian, int orientation) {
        return exifSegment(littleEndian, new int[] {0x0112}, new int[] {orientation});
    }

    /** An APP1 segment (marker and length included) around the given payload. */
    public static byte[] app1(byte[] payload) {
        int length = payload.length + 2;
        return concat(new byte[] {(byte) 0xff, (byte) 0xe1, (byte) (length >> 8), (byte) length}, payload);
    }

    /** The JPEG with the given segments inserted right after its SOI marker, where cameras put EXIF. */
    public static byte[] insertAfterSoi(byte[] jpeg, byte[]... segments) {
        byte[] result = Arrays.copyOf(jpeg, 2);
        for (byte[] segment : segments) {
            result = concat(result, segment);
        }
        return concat(result, Arrays.copyOfRange(jpeg, 2, jpeg.length));
    }

    /**
     * A small but syntactically valid PNG whose header declares {@code width x height} 1-bit grey pixels: a
     * decompression bomb if anything decoded it. Only a few hundred bytes long.
     */
    public static byte[] pngHeaderBomb(int width, int height) {
        ByteBuffer header = ByteBuffer.allocate(13);
        header.putInt(width)
                .putInt(height)
                .put((byte) 1)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(new byte[64 * 1024]);
        deflater.finish();
        byte[] compressed = new byte[4096];
        int length = deflater.deflate(compressed);
        deflater.end();
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        return concat(
                concat(
                        concat(signature, chunk("IHDR", header.array())),
                        chunk("IDAT", Arrays.copyOf(compressed, length))),
                chunk("IEND", new byte[0]));
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length)
                .putInt(data.length)
                .put(typeBytes)
                .put(data)
                .putInt((int) crc.getValue())
                .array();
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    /** A decoded photo as an ImageIO image, for assertions on its pixels. */
    public static BufferedImage toImage(dev.visage.face.Photo photo) {
        BufferedImage image = new BufferedImage(photo.width(), photo.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] target = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(photo.bgr(), 0, target, 0, target.length);
        return image;
    }
}
