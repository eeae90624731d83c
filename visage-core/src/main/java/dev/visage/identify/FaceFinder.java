package dev.visage.identify;

import dev.visage.face.BoxFraming;
import dev.visage.face.FaceCrop;
import dev.visage.face.FaceDetector;
import dev.visage.face.Photo;
import dev.visage.serving.ServingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of identifying one photo that {@code POST /identify} and the batch job share: read its header, decode
 * it, find its faces, crop those worth identifying from the full-resolution photo, and turn the network's
 * probabilities into an answer for every face found. Thread-safe; the forward pass itself is the caller's.
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

    /**
     * The faces found, and the crops of those worth identifying (at most {@code maxFaces}, none too small), in the
     * order {@link #answer} expects their probabilities.
     */
    public record FoundFaces(List<FaceLocator.LocatedFace> located, List<float[]> crops) {}

    /**
     * Reads the image's header, before any pixel is decoded.
     *
     * @throws ImageRejectedException if it is empty, not an image of a supported type, or too large
     */
    public FaceImageDecoder.Header inspect(byte[] image) {
        return decoder.inspect(image);
    }

    /**
     * Decodes the photo whose header {@link #inspect} read, finds its faces (or, without detection, takes its
     * centred crop) and crops them as {@code crop} says.
     *
     * @throws ImageRejectedException if the image turns out corrupt
     */
    public FoundFaces find(byte[] image, FaceImageDecoder.Header header, FaceCrop crop, boolean detect) {
        Photo photo = decoder.decode(image, header);
        List<FaceLocator.LocatedFace> located =
                inSentPixels(detect ? locator.detect(photo) : List.of(locator.centred(photo)), header, photo);
        List<float[]> crops = new ArrayList<>();
        for (FaceLocator.LocatedFace face : located) {
            if (crops.size() < maxFaces && !face.tooSmall(locator.minFaceSize())) {
                float[] pixels = new float[crop.pixelCount(0)];
                crop.toPixels(photo, face.frame(), 0, pixels, 0);
                crops.add(pixels);
            }
        }
        return new FoundFaces(located, crops);
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
     * @param top how many candidates to list per face
     * @param withCrop whether to return each face crop the model saw, as a PNG data URL
     */
    public List<Identification.Face> answer(
            ServingModel model, FoundFaces found, float[][] probabilities, int top, boolean withCrop) {
        List<Identification.Face> faces = new ArrayList<>(found.located().size());
        int next = 0;
        for (FaceLocator.LocatedFace face : found.located()) {
            if (face.tooSmall(locator.minFaceSize())) {
                faces.add(
                        Identification.Face.unidentified(face.box(), face.detectionScore(), Identification.TOO_SMALL));
            } else if (next == found.crops().size()) {
                faces.add(Identification.Face.unidentified(face.box(), face.detectionScore(), Identification.TOO_MANY));
            } else {
                faces.add(answers.identified(
                        face,
                        model,
                        probabilities[next],
                        top,
                        withCrop ? found.crops().get(next) : null));
                next++;
            }
        }
        return faces;
    }
}
