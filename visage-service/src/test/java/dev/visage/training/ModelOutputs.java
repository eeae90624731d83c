package dev.visage.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.visage.face.FaceCrop;
import dev.visage.face.TestCrops;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** A trained model's logits for image files, computed apart from the trainer: centred crops, one forward pass. */
final class ModelOutputs {

    private ModelOutputs() {}

    /** N x classes logits (inference mode) of the files, relative to {@code lfw}, owned by {@code manager}. */
    static NDArray logits(TrainedModel model, Path lfw, List<String> files, NDManager manager) throws IOException {
        FaceCrop crop = model.preprocessing().crop();
        int perImage = crop.pixelCount(0);
        float[] pixels = new float[files.size() * perImage];
        for (int i = 0; i < files.size(); i++) {
            TestCrops.centred(crop, ImageIO.read(lfw.resolve(files.get(i)).toFile()), 0, pixels, i * perImage);
        }
        NDArray images = manager.create(pixels, new Shape(files.size(), 3, crop.imageSize(), crop.imageSize()));
        return model.model()
                .getBlock()
                .forward(
                        new ParameterStore(manager, false),
                        new NDList(model.preprocessing().normalize(images)),
                        false)
                .singletonOrThrow();
    }
}
