package dev.visage.face;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.FileNode;
import org.bytedeco.opencv.opencv_core.FileStorage;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * Classifiers of one cascade, read from the classpath in memory (no temporary files), lent one per call: a
 * {@code CascadeClassifier} keeps per-image state while it scans, so two threads must not share one. The pool grows
 * to the number of concurrent callers.
 */
final class CascadePool implements AutoCloseable {

    private final String cascade;
    private final String cascadeXml;
    private final int windowSide;
    private final ConcurrentLinkedDeque<CascadeClassifier> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** Reads the cascade and checks that OpenCV accepts it (the first classifier is kept for the first call). */
    CascadePool(String cascade) {
        // OpenCV's pool (a thread per core) splits a photo's scan over the cores. It runs one parallel loop at a
        // time in the process, and a loop started meanwhile runs on its caller's thread alone, so concurrent
        // requests each keep their own thread, as before, and a lone large photo is answered sooner.
        opencv_core.setNumThreads(-1);
        this.cascade = cascade;
        this.cascadeXml = readResource(cascade);
        CascadeClassifier first = load();
        try (Size window = first.getOriginalWindowSize()) {
            this.windowSide = Math.max(window.width(), window.height());
        }
        idle.push(first);
    }

    /** The side of the cascade's own detection window, the smallest face it can find. */
    int windowSide() {
        return windowSide;
    }

    CascadeClassifier borrow() {
        if (closed) {
            throw new IllegalStateException("The face detector is closed");
        }
        CascadeClassifier classifier = idle.poll();
        return classifier != null ? classifier : load();
    }

    void giveBack(CascadeClassifier classifier) {
        idle.push(classifier);
        if (closed) {
            close();
        }
    }

    int idle() {
        return idle.size();
    }

    /** Frees the idle classifiers; those lent out are freed when they come back. */
    @Override
    public void close() {
        closed = true;
        for (CascadeClassifier classifier; (classifier = idle.poll()) != null; ) {
            classifier.close();
        }
    }

    private CascadeClassifier load() {
        try (FileStorage storage = new FileStorage(cascadeXml, FileStorage.READ | FileStorage.MEMORY);
                FileNode root = storage.getFirstTopLevelNode()) {
            CascadeClassifier classifier = new CascadeClassifier();
            if (!classifier.read(root) || classifier.empty()) {
                classifier.close();
                throw new IllegalArgumentException(
                        "OpenCV cannot read the cascade " + cascade + " (old-style cascades are not supported)");
            }
            return classifier;
        }
    }

    private static String readResource(String name) {
        ClassLoader loader = CascadePool.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(name.startsWith("/") ? name.substring(1) : name)) {
            if (in == null) {
                throw new IllegalArgumentException("No cascade " + name + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the cascade " + name, e);
        }
    }
}
