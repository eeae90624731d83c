package dev.visage.identify;

import dev.visage.face.FaceCrop;
import dev.visage.face.Photo;

/**
 * A face of an uploaded photo as a stand-alone LFW-like image: the face's frame, {@link FaceCrop#LFW_IMAGE_SIZE}
 * pixels square, so that any model crops it as it crops an LFW image. What enrolment keeps of a photo.
 *
 * @param box where the face is in the photo as sent
 * @param tooSmall whether it is smaller than the smallest face identified
 * @param framed the face's frame, or null when it is too small
 */
public record FramedFace(Identification.Box box, boolean tooSmall, Photo framed) {

    private static final FaceCrop WHOLE_FRAME = FaceCrop.of(FaceCrop.LFW_IMAGE_SIZE, FaceCrop.LFW_IMAGE_SIZE);

    static FramedFace of(Photo photo, FaceLocator.LocatedFace face, int minFaceSize) {
        if (face.tooSmall(minFaceSize)) {
            return new FramedFace(face.box(), true, null);
        }
        float[] chw = new float[WHOLE_FRAME.pixelCount(0)];
        WHOLE_FRAME.toPixels(photo, face.frame(), 0, chw, 0);
        int plane = FaceCrop.LFW_IMAGE_SIZE * FaceCrop.LFW_IMAGE_SIZE;
        byte[] bgr = new byte[3 * plane];
        for (int p = 0; p < plane; p++) {
            bgr[3 * p] = (byte) Math.round(chw[p + 2 * plane] * 255);
            bgr[3 * p + 1] = (byte) Math.round(chw[p + plane] * 255);
            bgr[3 * p + 2] = (byte) Math.round(chw[p] * 255);
        }
        return new FramedFace(face.box(), false, new Photo(bgr, FaceCrop.LFW_IMAGE_SIZE, FaceCrop.LFW_IMAGE_SIZE));
    }
}
