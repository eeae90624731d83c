package dev.visage.dataset;

/**
 * How many images a split draws from each group of people outside the model: outliers to train on, outliers to
 * calibrate the threshold on, and strangers to measure it on.
 *
 * @param backgroundPeople outlier-train people with the most images who train as classes of their own (background
 *     classes), with all their images
 * @param outlierTrainImages images of the other outlier-train people shown in training as "someone else"
 * @param outlierValidationImages images of outlier-validation people the threshold is calibrated on
 * @param strangerTestImages images of stranger-test people the open-set figures are measured on
 */
public record OutsiderSample(
        int backgroundPeople, int outlierTrainImages, int outlierValidationImages, int strangerTestImages) {

    /** The groups of people only, no images. */
    public static final OutsiderSample NONE = new OutsiderSample(0, 0, 0, 0);

    public OutsiderSample {
        if (backgroundPeople < 0 || outlierTrainImages < 0 || outlierValidationImages < 0 || strangerTestImages < 0) {
            throw new IllegalArgumentException("Image counts must be >= 0");
        }
    }
}
