package dev.visage.batch;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A photo archive made for a test or a benchmark: 640x480 JPEGs with one LFW face pasted on a noisy background,
 * photos with no face, and files that are no image. LFW is read from {@code ../shared} (or
 * {@code VISAGE_LFW_DIR}) and never copied.
 */
final class ArchivePhotos {

    static final int WIDTH = 640;
    static final int HEIGHT = 480;

    private ArchivePhotos() {}

    static Path lfw() {
        String env = System.getenv("VISAGE_LFW_DIR");
        return Path.of(env != null && !env.isBlank() ? env : "../shared/lfw/lfw-deepfunneled");
    }

    /** The first {@code count} LFW images in path order, one per person. */
    static List<Path> lfwFaces(int count) {
        try (Stream<Path> people = Files.list(lfw())) {
            return people.sorted()
                    .map(person -> person.resolve(person.getFileName() + "_0001.jpg"))
                    .filter(Files::exists)
                    .limit(count)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 640x480 JPEG: the LFW image, scaled to {@code side}, at a place {@code seed} picks on a noisy background. */
    static byte[] withFace(Path lfwImage, int side, long seed) {
        Random random = new Random(seed);
        BufferedImage photo = background(random);
        try {
            BufferedImage face = ImageIO.read(lfwImage.toFile());
            Graphics2D g = photo.createGraphics();
            g.drawImage(face, random.nextInt(WIDTH - side), random.nextInt(HEIGHT - side), side, side, null);
            g.dispose();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jpeg(photo);
    }

    /** A 640x480 JPEG of smooth noise, with no face. */
    static byte[] withoutFace(long seed) {
        return jpeg(background(new Random(seed)));
    }

    private static BufferedImage background(Random random) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        for (int y = 0; y < HEIGHT; y += 16) {
            for (int x = 0; x < WIDTH; x += 16) {
                g.setColor(new Color(random.nextInt(0x1000000)));
                g.fillRect(x, y, 16, 16);
            }
        }
        g.dispose();
        return image;
    }

    private static byte[] jpeg(BufferedImage image) {
        try (var out = new java.io.ByteArrayOutputStream()) {
            ImageIO.write(image, "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
