package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The deep-funneled LFW images, read in place: the folder is the system property {@code visage.lfw.dir}, else the
 * environment variable {@code VISAGE_LFW_DIR}, else {@code ../shared/lfw/lfw-deepfunneled}.
 *
 * <p>The sorted image list is split by position: even positions are for measuring the framing constants, odd ones
 * for composing test and benchmark photos, so the two never use the same image.
 */
final class RealLfwPhotos {

    private RealLfwPhotos() {}

    static Path dir() {
        String property = System.getProperty("visage.lfw.dir");
        String env = System.getenv("VISAGE_LFW_DIR");
        String dir = property != null && !property.isBlank()
                ? property
                : env != null && !env.isBlank() ? env : "../shared/lfw/lfw-deepfunneled";
        return Path.of(dir);
    }

    static boolean available() {
        return Files.isDirectory(dir());
    }

    /** Every JPEG under the LFW folder, sorted by path. */
    static List<Path> all() {
        try (Stream<Path> files = Files.walk(dir(), 2)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jpg"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code count} images from the even (framing) or odd (scene) positions, shuffled with {@code seed}. */
    static List<Path> sample(boolean framing, int count, long seed) {
        List<Path> all = all();
        List<Path> part = new ArrayList<>();
        for (int i = framing ? 0 : 1; i < all.size(); i += 2) {
            part.add(all.get(i));
        }
        Collections.shuffle(part, new Random(seed));
        return List.copyOf(part.subList(0, Math.min(count, part.size())));
    }

    static Mat read(Path file) {
        Mat image = imread(file.toString(), IMREAD_COLOR);
        if (image.empty()) {
            throw new IllegalStateException("Cannot read " + file);
        }
        return image;
    }
}
