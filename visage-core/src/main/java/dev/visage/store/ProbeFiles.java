package dev.visage.store;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A version's self-test photos: {@code probes/NN.png} (the network-sized face crops, 8 bits per channel) and
 * {@code probes.json} (what each shows and what the model answered when it was stored).
 *
 * <p>PNG rather than the float tensors: a tenth of the size (about 10 KB a face at 64x64 instead of 48 KB), and an
 * operator can look at them. The expected answers are computed from the PNGs as read back, so the 8-bit rounding
 * cannot make a stored model fail its own test.
 */
final class ProbeFiles {

    static final String FOLDER = "probes";
    static final String INDEX = "probes.json";

    private ProbeFiles() {}

    /**
     * One entry of {@code probes.json}.
     *
     * @param file the PNG, relative to the version folder
     * @param source the LFW photo it was cut from
     * @param label the person it shows (class index)
     * @param expected the class the model answered when it was stored; the self-test requires the same
     * @param confidence the probability of that answer then
     */
    record Entry(String file, String source, int label, int expected, float confidence) {}

    /** {@code probes.json}. */
    record Index(int imageSize, List<Entry> probes) {
        Index {
            probes = List.copyOf(probes);
        }
    }

    /** Writes each probe as {@code probes/NN.png} under {@code folder}; returns the relative file names. */
    static List<String> writeImages(Path folder, List<Probe> probes, int side) throws IOException {
        if (probes.isEmpty()) {
            return List.of();
        }
        Files.createDirectories(folder.resolve(FOLDER));
        List<String> files = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            String file = String.format(Locale.ROOT, "%s/%02d.png", FOLDER, i);
            if (!ImageIO.write(
                    toImage(probes.get(i).face(), side),
                    "png",
                    folder.resolve(file).toFile())) {
                throw new IOException("No PNG writer");
            }
            files.add(file);
        }
        return files;
    }

    /** A probe PNG as CHW floats in [0, 1]. */
    static float[] readImage(Path file, int side) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null || image.getWidth() != side || image.getHeight() != side) {
            throw new IOException(file.getFileName() + " is not a " + side + "x" + side + " image");
        }
        int plane = side * side;
        float[] face = new float[3 * plane];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int rgb = image.getRGB(x, y);
                int at = y * side + x;
                face[at] = ((rgb >> 16) & 0xff) / 255f;
                face[at + plane] = ((rgb >> 8) & 0xff) / 255f;
                face[at + 2 * plane] = (rgb & 0xff) / 255f;
            }
        }
        return face;
    }

    private static BufferedImage toImage(float[] face, int side) {
        int plane = side * side;
        if (face.length != 3 * plane) {
            throw new IllegalArgumentException("A probe face needs 3 x " + side + " x " + side + " values");
        }
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int at = y * side + x;
                image.setRGB(
                        x, y, byteOf(face[at]) << 16 | byteOf(face[at + plane]) << 8 | byteOf(face[at + 2 * plane]));
            }
        }
        return image;
    }

    private static int byteOf(float value) {
        return Math.round(Math.max(0f, Math.min(1f, value)) * 255f);
    }

    static void writeIndex(Path folder, Index index, JsonMapper json) {
        json.writeValue(folder.resolve(INDEX).toFile(), index);
    }

    static Index readIndex(Path folder, JsonMapper json) throws IOException {
        try {
            return json.readValue(folder.resolve(INDEX).toFile(), Index.class);
        } catch (JacksonException e) {
            throw new IOException(INDEX + " is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
