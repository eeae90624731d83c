package dev.visage.face;

import java.awt.image.BufferedImage;

/** The crop serving takes of an aligned photo (its centred frame), for tests that start from an ImageIO image. */
public final class TestCrops {

    private TestCrops() {}

    public static void centred(FaceCrop crop, BufferedImage image, int margin, float[] out, int offset) {
        Photo photo = TestPhotos.of(image);
        crop.toPixels(photo, FaceFrame.centred(photo.width(), photo.height()), margin, out, offset);
    }
}
