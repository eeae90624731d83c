package dev.visage.face;

import org.springframework.boot.context.properties.bind.Binder;

/** Detector settings for tests and {@link DetectionBench}: the service's defaults, with single values changed. */
public final class TestDetectorSettings {

    private String cascade;
    private String proposalCascade;
    private int detectionSide;
    private int maxDetectionSide;
    private double scaleFactor;
    private double retryScaleFactor;
    private int minNeighbors;
    private int minFaceSize;
    private int minWindow;
    private int maxBoxes;

    private TestDetectorSettings(DetectorSettings settings) {
        cascade = settings.cascade();
        proposalCascade = settings.proposalCascade();
        detectionSide = settings.detectionSide();
        maxDetectionSide = settings.maxDetectionSide();
        scaleFactor = settings.scaleFactor();
        retryScaleFactor = settings.retryScaleFactor();
        minNeighbors = settings.minNeighbors();
        minFaceSize = settings.minFaceSize();
        minWindow = settings.minWindow();
        maxBoxes = settings.maxBoxes();
    }

    /** What the service detects with when nothing is configured: {@code visage.detection.*} bound from nothing. */
    public static DetectorSettings defaults() {
        return new Binder()
                .bindOrCreate("visage.detection", DetectionProperties.class)
                .toSettings();
    }

    /** The defaults, to change. */
    public static TestDetectorSettings changing() {
        return from(defaults());
    }

    /** These settings, to change. */
    public static TestDetectorSettings from(DetectorSettings settings) {
        return new TestDetectorSettings(settings);
    }

    public TestDetectorSettings cascade(String newCascade) {
        cascade = newCascade;
        return this;
    }

    public TestDetectorSettings proposalCascade(String newProposalCascade) {
        proposalCascade = newProposalCascade;
        return this;
    }

    public TestDetectorSettings detectionSide(int newSide) {
        detectionSide = newSide;
        return this;
    }

    public TestDetectorSettings maxDetectionSide(int newMaxSide) {
        maxDetectionSide = newMaxSide;
        return this;
    }

    public TestDetectorSettings scaleFactor(double newScale) {
        scaleFactor = newScale;
        return this;
    }

    public TestDetectorSettings retryScaleFactor(double newRetry) {
        retryScaleFactor = newRetry;
        return this;
    }

    public TestDetectorSettings minNeighbors(int newMinNeighbors) {
        minNeighbors = newMinNeighbors;
        return this;
    }

    public TestDetectorSettings minFaceSize(int newMinFaceSize) {
        minFaceSize = newMinFaceSize;
        return this;
    }

    public TestDetectorSettings minWindow(int newMinWindow) {
        minWindow = newMinWindow;
        return this;
    }

    public TestDetectorSettings maxBoxes(int newMaxBoxes) {
        maxBoxes = newMaxBoxes;
        return this;
    }

    /** The settings, checked by {@link DetectorSettings}'s constructor. */
    public DetectorSettings build() {
        return new DetectorSettings(
                cascade,
                proposalCascade,
                detectionSide,
                maxDetectionSide,
                scaleFactor,
                retryScaleFactor,
                minNeighbors,
                minFaceSize,
                minWindow,
                maxBoxes);
    }
}
