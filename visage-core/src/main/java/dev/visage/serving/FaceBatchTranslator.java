package dev.visage.serving;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
    private final int people;

    FaceBatchTranslator(Preprocessing preprocessing, int people) {
        this.preprocessing = preprocessing;
        this.people = people;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[][] faces) {
        return new NDList(normalizedBatch(ctx.getNDManager(), preprocessing, faces));
    }

    /** The faces (each CHW floats in [0, 1] at the crop's side) as one normalised N x 3 x side x side tensor. */
    static NDArray normalizedBatch(NDManager manager, Preprocessing preprocessing, float[][] faces) {
        int side = preprocessing.crop().imageSize();
        int perFace = 3 * side * side;
        float[] values = new float[faces.length * perFace];
        for (int i = 0; i < faces.length; i++) {
            if (faces[i].length != perFace) {
                throw new IllegalArgumentException("A face has " + faces[i].length + " values, not " + perFace);
            }
            System.arraycopy(faces[i], 0, values, i * perFace, perFace);
        }
        NDArray batch = manager.create(values, new Shape(faces.length, 3, side, side));
        return preprocessing.normalize(batch);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        return FaceNetwork.peopleProbabilities(list.singletonOrThrow(), people);
    }
}
