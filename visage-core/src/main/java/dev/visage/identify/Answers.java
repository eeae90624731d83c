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
     * The identified face.
     *
     * @param top how many candidates to list (capped to the model's people)
     * @param crop the network's input (CHW in [0, 1]) to return as a PNG, or null
     */
    private Identification.Face identified(
            FaceLocator.LocatedFace face, ServingModel model, float[] probabilities, int top, float[] crop) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
        int shownCount = Math.min(top, order.length);
        List<Identification.Candidate> candidates = new ArrayList<>(shownCount);
        float shown = 0;
        for (int i = 0; i < shownCount; i++) {
            candidates.add(new Identification.Candidate(model.people().get(order[i]), probabilities[order[i]]));
            shown += probabilities[order[i]];
        }
        float confidence = probabilities[order[0]];
        boolean known = confidence >= model.minConfidence(minConfidence);
        return new Identification.Face(
                face.box(),
                face.detectionScore(),
                known ? model.people().get(order[0]) : Identification.UNKNOWN,
                known,
                confidence,
                candidates,
                Math.max(0, 1 - shown),
                crop == null ? null : pngDataUrl(crop, model.crop().imageSize()),
                null,
                null);
    }

    /**
     * A face's answer from the model and the enrolled people: an enrolled person alike enough is named, before the
     * model's people; otherwise the model answers, unless only enrolled people are named.
     *
     * @param match how the face compares with the enrolled people; null when nobody is enrolled
     * @param onlyEnrolled whether the model's people are never named
     */
    Identification.Face answer(
            FaceLocator.LocatedFace face,
            ServingModel model,
            float[] probabilities,
            EnrolledFaces.Match match,
            boolean onlyEnrolled,
            int top,
            float[] crop) {
        if (!onlyEnrolled && (match == null || !match.known())) {
            return identified(face, model, probabilities, top, crop);
        }
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
