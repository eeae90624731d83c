package dev.visage.identify;

import dev.visage.serving.ServingModel;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/** Turns the network's probabilities for a face into the answer's identity fields. */
final class Answers {

    private final Float minConfidence;

    /** @param minConfidence the threshold that overrides every model's own; null to use the model's */
    Answers(Float minConfidence) {
        this.minConfidence = minConfidence;
    }

    /**
     * A face's answer from the model and the enrolled people's prototypes (matches):
     *
     * <ol>
     *   <li>a match with an enrolled person the model was not trained on (enrolled, or re-enrolled, after its
     *       training) is named by the prototypes: the model cannot know them;
     *   <li>otherwise the model names its top class when it is at or above its threshold and may be named;
     *   <li>otherwise a match names the enrolled person (a newer photo, say, that the model is unsure of);
     *   <li>otherwise the face is unknown, with the model's candidates (the prototypes' when it names nobody).
     * </ol>
     *
     * @param match how the face compares with the enrolled people; null when nobody is enrolled
     * @param enrolled the enrolled people's current names, and whether only they are named
     */
    Identification.Face answer(
            FaceLocator.LocatedFace face,
            ServingModel model,
            float[] probabilities,
            EnrolledFaces.Match match,
            EnrolledFaces enrolled,
            int top,
            float[] crop) {
        EnrolledFaces.Match.Candidate alike =
                match != null && match.known() && !match.candidates().isEmpty()
                        ? match.candidates().get(0)
                        : null;
        if (alike != null && !model.manifest().trainedOn(alike.personId())) {
            return byPrototypes(face, model, match, crop);
        }
        boolean modelNames = !enrolled.onlyEnrolled() || model.manifest().enrolledPeople() != null;
        Identification.Face byModel = modelNames ? byModel(face, model, probabilities, enrolled, top, crop) : null;
        if (byModel != null && (byModel.known() || alike == null)) {
            return byModel;
        }
        return byPrototypes(face, model, match, crop);
    }

    /**
     * The model's answer: its top class, if it may be named and is at or above the threshold. A class is named by
     * its label (an LFW person) or, for an enrolled person, by their current name; one that may not be named (an
     * erased person; the LFW people when only enrolled people are named) counts as someone else, as the background
     * classes do: a face it wins is unknown, and it is never a candidate.
     */
    private Identification.Face byModel(
            FaceLocator.LocatedFace face,
            ServingModel model,
            float[] probabilities,
            EnrolledFaces enrolled,
            int top,
            float[] crop) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        List<Identification.Candidate> candidates = new ArrayList<>();
        float shown = 0;
        String named = null;
        for (int i = 0; i < order.length && candidates.size() < top; i++) {
            String name = name(model, order[i], enrolled);
            if (name != null) {
                candidates.add(new Identification.Candidate(name, probabilities[order[i]]));
                shown += probabilities[order[i]];
                named = i == 0 ? name : named;
            }
        }
        float confidence = probabilities[order[0]];
        boolean known = named != null && confidence >= model.minConfidence(minConfidence);
        String label = model.people().get(order[0]);
        return new Identification.Face(
                face.box(),
                face.detectionScore(),
                known ? named : Identification.UNKNOWN,
                known,
                confidence,
                candidates,
                Math.max(0, 1 - shown),
                crop == null ? null : pngDataUrl(crop, model.crop().imageSize()),
                null,
                known && model.manifest().trainedOn(label) ? label : null);
    }

    /** What class {@code index} is answered as; null when it may not be named. */
    private static String name(ServingModel model, int index, EnrolledFaces enrolled) {
        String label = model.people().get(index);
        if (model.manifest().trainedOn(label)) {
            return enrolled.name(label).orElse(null);
        }
        return enrolled.onlyEnrolled() ? null : label;
    }

    /** The prototypes' answer: the most alike enrolled person, named when alike enough. */
    private static Identification.Face byPrototypes(
            FaceLocator.LocatedFace face, ServingModel model, EnrolledFaces.Match match, float[] crop) {
        List<EnrolledFaces.Match.Candidate> alike = match == null ? List.of() : match.candidates();
        boolean known = match != null && match.known() && !alike.isEmpty();
        EnrolledFaces.Match.Candidate best = alike.isEmpty() ? null : alike.get(0);
        return new Identification.Face(
                face.box(),
                face.detectionScore(),
                known ? best.name() : Identification.UNKNOWN,
                known,
                best == null ? 0f : best.similarity(),
                alike.stream()
                        .map(candidate -> new Identification.Candidate(candidate.name(), candidate.similarity()))
                        .toList(),
                null,
                crop == null ? null : pngDataUrl(crop, model.crop().imageSize()),
                null,
                known ? best.personId() : null);
    }

    /** The photo's answer: its faces, with the largest identified one's identity at the top level. */
    static Identification of(List<Identification.Face> faces, String modelVersion, double timeMillis) {
        Identification.Face main = faces.stream()
                .filter(Identification.Face::identified)
                .findFirst()
                .orElse(null);
        if (main == null) {
            String reason =
                    faces.isEmpty() ? Identification.NO_FACE : faces.get(0).reason();
            return new Identification(
                    Identification.UNKNOWN,
                    false,
                    0,
                    List.of(),
                    1,
                    modelVersion,
                    timeMillis,
                    null,
                    faces,
                    reason,
                    null);
        }
        return new Identification(
                main.person(),
                main.known(),
                main.confidence(),
                main.candidates(),
                main.otherProbability() == null ? 0 : main.otherProbability(),
                modelVersion,
                timeMillis,
                main.faceCrop(),
                faces,
                null,
                main.personId());
    }

    /** The network's input as a PNG data URL, so a person can see what the model saw. */
    private static String pngDataUrl(float[] chw, int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int plane = side * side;
        for (int p = 0; p < plane; p++) {
            bgr[3 * p] = (byte) Math.round(chw[p + 2 * plane] * 255);
            bgr[3 * p + 1] = (byte) Math.round(chw[p + plane] * 255);
            bgr[3 * p + 2] = (byte) Math.round(chw[p] * 255);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
