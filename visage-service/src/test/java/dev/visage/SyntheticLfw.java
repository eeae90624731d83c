package dev.visage;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes a small LFW-like folder for tests: {@code <dir>/<Person_Name>/<Person_Name>_0001.jpg}, 250x250 RGB JPEGs.
 *
 * <p>Each person has a distinct, learnable pattern inside the central 128x128 region (the part of the image
 * Visage's default crop looks at): a colour pair and a stripe orientation and period of their own. Every image
 * adds, from a seeded generator, a random shift of the pattern by up to {@value #MAX_OFFSET} pixels, a random
 * brightness factor, a random background and per-pixel noise, so that no two images are equal while the people
 * remain easy to tell apart. The same arguments always give the same pixels.
 */
public final class SyntheticLfw {

    /** Side of every image, as LFW's. */
    public static final int SIZE = 250;

    /** Side of the centred square holding the person's pattern. */
    public static final int PATTERN_SIZE = 128;

    /** Largest random shift of the pattern, in pixels, along each axis. */
    public static final int MAX_OFFSET = 6;

    private static final int NOISE = 12;

    /** Foreground colours; the background of the stripes is a darker shade of the same colour. */
    private static final int[] COLOURS = {0xE04040, 0x40B040, 0x4060E0, 0xE0C030, 0xC040C0, 0x30C0C0, 0xF08020, 0x909090
    };

    private static final String[] FIRST = {
        "Alice", "Bruno", "Chiara", "Dmitri", "Esther", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kwame", "Lena"
    };

    private SyntheticLfw() {}

    /** Names of the first {@code people} people, in ascending name order (so equal counts keep this order). */
    public static List<String> names(int people) {
        if (people < 1) {
            throw new IllegalArgumentException("people must be >= 1, not " + people);
        }
        List<String> names = new ArrayList<>(people);
        for (int i = 0; i < people; i++) {
            names.add(String.format(Locale.ROOT, "P%02d_%s_Synthetic", i + 1, FIRST[i % FIRST.length]));
        }
        return names;
    }

    /** File name of a person's {@code number}-th image (1-based), LFW style. */
    public static String fileName(String person, int number) {
        return String.format(Locale.ROOT, "%s_%04d.jpg", person, number);
    }

    /**
     * Writes {@code imagesPerPerson} JPEGs for each of {@code people} people into {@code dir} (created if needed).
     *
     * @return {@code dir}
     */
    public static Path write(Path dir, int people, int imagesPerPerson, long seed) {
        return write(dir, 0, people, imagesPerPerson, seed);
    }

    /**
     * Writes {@code imagesPerPerson} JPEGs for each of the people {@code first} to {@code end - 1} (indexes into
     * {@link #names}), e.g. strangers beside the people a model is trained on.
     *
     * @return {@code dir}
     */
    public static Path write(Path dir, int first, int end, int imagesPerPerson, long seed) {
        if (imagesPerPerson < 1) {
            throw new IllegalArgumentException("imagesPerPerson must be >= 1, not " + imagesPerPerson);
        }
        List<String> names = names(end);
        Random random = new Random(seed);
        try {
            for (int p = first; p < end; p++) {
                Path folder = Files.createDirectories(dir.resolve(names.get(p)));
                for (int n = 1; n <= imagesPerPerson; n++) {
                    writeImage(folder.resolve(fileName(names.get(p), n)), p, random);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the synthetic LFW folder " + dir, e);
        }
        return dir;
    }

    /** Writes one image of person {@code person} (0-based index into {@link #names}) as a JPEG. */
    public static void writeImage(Path file, int person, Random random) throws IOException {
        if (!ImageIO.write(image(person, random), "jpg", file.toFile())) {
            throw new IOException("No JPEG writer");
        }
    }

    /** One 250x250 RGB image of person {@code person}, drawn with {@code random}. */
    public static BufferedImage image(int person, Random random) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();

        int colour = COLOURS[person % COLOURS.length];
        int orientation = person % 4;
        int period = 10 + 6 * ((person / 4) % 3);
        double brightness = 0.85 + 0.3 * random.nextDouble();
        int background = 60 + random.nextInt(120);
        int dx = random.nextInt(2 * MAX_OFFSET + 1) - MAX_OFFSET;
        int dy = random.nextInt(2 * MAX_OFFSET + 1) - MAX_OFFSET;
        int from = (SIZE - PATTERN_SIZE) / 2;

        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int px = x - from - dx;
                int py = y - from - dy;
                int r;
                int g;
                int b;
                if (px >= 0 && px < PATTERN_SIZE && py >= 0 && py < PATTERN_SIZE) {
                    boolean stripe = switch (orientation) {
                        case 0 -> (py / (period / 2)) % 2 == 0;
                        case 1 -> (px / (period / 2)) % 2 == 0;
                        case 2 -> ((px + py) / (period / 2)) % 2 == 0;
                        default -> ((px - py + PATTERN_SIZE) / (period / 2)) % 2 == 0;
                    };
                    double shade = (stripe ? 1.0 : 0.35) * brightness;
                    r = (int) (((colour >> 16) & 0xff) * shade);
                    g = (int) (((colour >> 8) & 0xff) * shade);
                    b = (int) ((colour & 0xff) * shade);
                } else {
                    r = background;
                    g = background;
                    b = background;
                }
                int noise = random.nextInt(2 * NOISE + 1) - NOISE;
                pixels[y * SIZE + x] = clamp(r + noise) << 16 | clamp(g + noise) << 8 | clamp(b + noise);
            }
        }
        return image;
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
