package dev.visage.identify;

import dev.visage.face.BoxFraming;
import dev.visage.face.FaceCrop;
import dev.visage.face.FaceDetector;
import dev.visage.face.Photo;
import dev.visage.serving.ServingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of identifying one photo that {@code POST /identify}, enrolment and the batch job share: read its
 * header, decode it, find its faces, crop those worth identifying from the full-resolution photo (for the model and,
 * when people are enrolled, for the face base), and turn the network's probabilities and the enrolled people's
 * matches into an answer for every face found. Thread-safe; the forward passes are the caller's.
 */
public final class FaceFinder {

    private final FaceImageDecoder decoder;
    private final FaceLocator locator;
    private final Answers answers;
    private final int maxFaces;

    /**
     * @param maxPixels largest image decoded, in pixels
     * @param maxFaces most faces identified in one photo, the largest ones
     * @param minConfidence the threshold that overrides every model's own; null to use the model's
     */
    public FaceFinder(FaceDetector detector, long maxPixels, int maxFaces, Float minConfidence) {
        this.decoder = new FaceImageDecoder(maxPixels);
        this.locator = new FaceLocator(detector, BoxFraming.forDetector(detector.settings()));
        this.answers = new Answers(minConfidence);
        this.maxFaces = maxFaces;
    }

    /** A decoded photo and the faces found in it, their boxes in the pixels of the photo as sent. */
    public record LocatedPhoto(Photo photo, List<FaceLocator.LocatedFace> faces) {}

    /**
     * The faces found, and the crops of those worth identifying (at most {@code maxFaces}, none too small), in the
     * order {@link #answer} expects their probabilities; {@code baseCrops} are the same faces cropped for the face
     * base (empty when no enrolled people are compared).
     */
    public record FoundFaces(List<FaceLocator.LocatedFace> located, List<float[]> crops, List<float[]> baseCrops) {}

    /**
     * Reads the image's header, before any pixel is decoded.
     *
     * @throws ImageRejectedException if it is empty, not an image of a supported type, or too large
     */
    public FaceImageDecoder.Header inspect(byte[] image) {
        return decoder.inspect(image);
    }

    /** The smallest face identified: the smallest the detector searches for. */
    public int minFaceSize() {
        return locator.minFaceSize();
    }

    /**
     * Decodes the photo whose header {@link #inspect} read and finds its faces (or, without detection, takes its
     * centred frame).
     *
     * @throws ImageRejectedException if the image turns out corrupt
     */
    public LocatedPhoto locate(byte[] image, FaceImageDecoder.Header header, boolean detect) {
        Photo photo = decoder.decode(image, header);
        return new LocatedPhoto(
                photo, inSentPixels(detect ? locator.detect(photo) : List.of(locator.centred(photo)), header, photo));
    }

    /** {@link #locate} and {@link #crop}, for the model alone. */
    public FoundFaces find(byte[] image, FaceImageDecoder.Header header, FaceCrop crop, boolean detect) {
        return crop(locate(image, header, detect), crop, null);
    }

    /**
     * Crops the faces worth identifying as {@code crop} says, and as {@code baseCrop} says when it is not null.
     */
    public FoundFaces crop(LocatedPhoto located, FaceCrop crop, FaceCrop baseCrop) {
        List<float[]> crops = new ArrayList<>();
        List<float[]> baseCrops = new ArrayList<>();
        for (FaceLocator.LocatedFace face : located.faces()) {
            if (crops.size() < maxFaces && !face.tooSmall(locator.minFaceSize())) {
                crops.add(pixels(located.photo(), face, crop));
                if (baseCrop != null) {
                    baseCrops.add(pixels(located.photo(), face, baseCrop));
                }
            }
        }
        return new FoundFaces(located.faces(), crops, baseCrops);
    }

    private static float[] pixels(Photo photo, FaceLocator.LocatedFace face, FaceCrop crop) {
        float[] pixels = new float[crop.pixelCount(0)];
        crop.toPixels(photo, face.frame(), 0, pixels, 0);
        return pixels;
    }

    /** The faces with their boxes in the pixels of the photo as sent (upright), where a big JPEG decoded reduced. */
    private static List<FaceLocator.LocatedFace> inSentPixels(
            List<FaceLocator.LocatedFace> located, FaceImageDecoder.Header header, Photo photo) {
        if (header.reduction() == 1) {
            return located;
        }
        double[] factors = header.sentPixelsPerDecoded(photo);
        return located.stream()
                .map(face -> face.withBoxScaled(factors[0], factors[1]))
                .toList();
    }

    /**
     * An answer for every face found, largest first: identified, or why not.
     *
     * @param probabilities the network's answer for each of {@code found}'s crops
     * @param matches how each crop compares with the enrolled people; empty when nobody is enrolled
     * @param enrolled the enrolled people's current names, and whether only they are named
     * @param top how many candidates to list per face
     * @param withCrop whether to return each face crop the model saw, as a PNG data URL
     */
    public List<Identification.Face> answer(
            ServingModel model,
            FoundFaces found,
            float[][] probabilities,
            List<EnrolledFaces.Match> matches,
            EnrolledFaces enrolled,
            int top,
            boolean withCrop) {
        List<Identification.Face> faces = new ArrayList<>(found.located().size());
        int next = 0;
        for (FaceLocator.LocatedFace face : found.located()) {
            if (face.tooSmall(locator.minFaceSize())) {
                faces.add(
                        Identification.Face.unidentified(face.box(), face.detectionScore(), Identification.TOO_SMALL));
            } else if (next == found.crops().size()) {
                faces.add(Identification.Face.unidentified(face.box(), face.detectionScore(), Identification.TOO_MANY));
            } else {
                faces.add(answers.answer(
                        face,
                        model,
                        probabilities[next],
                        matches.isEmpty() ? null : matches.get(next),
                        enrolled,
                        top,
                        withCrop ? found.crops().get(next) : null));
                next++;
            }
        }
        return faces;
    }
}
