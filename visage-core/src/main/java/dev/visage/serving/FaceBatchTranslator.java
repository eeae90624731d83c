package dev.visage.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.visage.face.Preprocessing;
import dev.visage.network.FaceNetwork;

/**
 * Turns a batch of cropped faces (each CHW floats in [0, 1]) into one normalised input tensor, and the network's
 * logits into the people's probabilities ({@link FaceNetwork#peopleProbabilities}). All arrays live in the
 * predictor's per-call context manager, so nothing outlives the call.
 */
final class FaceBatchTranslator implements NoBatchifyTranslator<float[][], float[][]> {

    private final Preprocessing preprocessing;
    private final int side;
    private final int people;

    FaceBatchTranslator(Preprocessing preprocessing, int people) {
        this.preprocessing = preprocessing;
        this.side = preprocessing.crop().imageSize();
        this.people = people;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[][] faces) {
        int perFace = 3 * side * side;
        float[] values = new float[faces.length * perFace];
        for (int i = 0; i < faces.length; i++) {
            System.arraycopy(faces[i], 0, values, i * perFace, perFace);
        }
        NDArray batch = ctx.getNDManager().create(values, new Shape(faces.length, 3, side, side));
        return new NDList(preprocessing.normalize(batch));
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        return FaceNetwork.peopleProbabilities(list.singletonOrThrow(), people);
    }
}
