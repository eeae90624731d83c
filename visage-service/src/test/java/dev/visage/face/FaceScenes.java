package dev.visage.face;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Seeded test photos: LFW photos pasted at chosen face sizes and places onto backgrounds without faces (smooth
 * colour noise with blurred tiles cut from LFW image corners), with the true face boxes.
 *
 * <p>Face sizes and places refer to the reference framing's box. A pasted face's true box for a detector is that
 * detector's own median LFW box ({@link BoxFraming}) carried through the paste (scale and shift), so it follows the
 * detector's box convention; deep-funneled LFW faces sit close to their median box.
 */
final class FaceScenes {

    /** A true face box in a scene's pixels. */
    record Box(double x, double y, double side) {

        double iou(FaceBox face) {
            double left = Math.max(x, face.x());
            double top = Math.max(y, face.y());
            double right = Math.min(x + side, face.x() + face.width());
            double bottom = Math.min(y + side, face.y() + face.height());
            double inter = Math.max(0, right - left) * Math.max(0, bottom - top);
            return inter / (side * side + (double) face.width() * face.height() - inter);
        }
    }

    /**
     * Where a 250 x 250 LFW photo went in a scene: a point (u, v) of the photo lies at
     * ({@code offsetX + u * scaleX}, {@code offsetY + v * scaleY}).
     */
    record Pasted(double offsetX, double offsetY, double scaleX, double scaleY) {

        /** The true box of this face for a detector whose LFW box is {@code framing}'s. */
        Box box(BoxFraming framing) {
            return new Box(
                    offsetX + framing.boxX() * scaleX,
                    offsetY + framing.boxY() * scaleY,
                    framing.boxSide() * (scaleX + scaleY) / 2);
        }
    }

    /** A composed photo (BGR) and where its faces went. */
    record Scene(Mat photo, List<Pasted> faces) implements AutoCloseable {

        /** The true face boxes for a detector whose LFW box is {@code framing}'s. */
        List<Box> truth(BoxFraming framing) {
            return faces.stream().map(face -> face.box(framing)).toList();
        }

        @Override
        public void close() {
            photo.close();
        }
    }

    /**
     * How a scene's detections compare with its true boxes.
     *
     * @param detectionOf per true box, the index of the detection that matched it, or -1
     * @param trueDetections per detection, whether it matched a true box
     */
    record Match(int faces, int found, int falseBoxes, double iouSum, int[] detectionOf, boolean[] trueDetections) {

        boolean found(int truth) {
            return detectionOf[truth] >= 0;
        }
    }

    private final List<Path> sources;
    private final BoxFraming reference;
    private final List<Mat> cornerTiles = new ArrayList<>();

    /**
     * @param sources LFW photos to paste (and to cut background tiles from)
     * @param reference where the detector's box lies in a 250 x 250 LFW photo: the true box of a pasted face
     */
    FaceScenes(List<Path> sources, BoxFraming reference) {
        this.sources = List.copyOf(sources);
        this.reference = reference;
        int tileSources = Math.min(sources.size(), 24);
        for (int i = 0; i < tileSources; i++) {
            try (Mat image = RealLfwPhotos.read(sources.get(sources.size() - 1 - i))) {
                int corner = 44;
                int x = (i & 1) == 0 ? 0 : image.cols() - corner;
                int y = (i & 2) == 0 ? 0 : image.rows() - corner;
                cornerTiles.add(new Mat(image, new Rect(x, y, corner, corner)).clone());
            }
        }
    }

    /** A background without faces: smooth colour noise under blurred, scaled LFW corner tiles. */
    Mat background(Random random, int width, int height) {
        int cell = 16 + random.nextInt(48);
        int smallWidth = width / cell + 2;
        int smallHeight = height / cell + 2;
        byte[] noise = new byte[smallWidth * smallHeight * 3];
        random.nextBytes(noise);
        Mat canvas = new Mat();
        try (Mat small = new Mat(smallHeight, smallWidth, CV_8UC3)) {
            small.data().put(noise);
            resize(small, canvas, new Size(width, height), 0, 0, INTER_CUBIC);
        }
        int tiles = Math.max(2, width * height / (160 * 160));
        for (int i = 0; i < tiles && !cornerTiles.isEmpty(); i++) {
            Mat tile = cornerTiles.get(random.nextInt(cornerTiles.size()));
            int side = Math.min(Math.min(width, height), 60 + random.nextInt(180));
            try (Mat scaled = new Mat();
                    Mat blurred = new Mat()) {
                resize(tile, scaled, new Size(side, side), 0, 0, INTER_LINEAR);
                double sigma = 2 + 4 * random.nextDouble();
                GaussianBlur(scaled, blurred, new Size(0, 0), sigma);
                int x = random.nextInt(width - side + 1);
                int y = random.nextInt(height - side + 1);
                try (Mat target = new Mat(canvas, new Rect(x, y, side, side))) {
                    blurred.copyTo(target);
                }
            }
        }
        return canvas;
    }

    /**
     * A scene with {@code count} faces of sides drawn from [minFace, maxFace], wholly inside the photo and not
     * overlapping. A single face brings its whole LFW photo (cropped to fit); in groups each brings a face-centred
     * part of 1.4 to 2.2 face sides and no face is larger than 1 / (1.2 count) of the photo's shorter side. Faces
     * that do not fit are placed again, with 10% less side and context (not below {@code minFace} and 1.2 face
     * sides) after every 40 tries.
     */
    Scene compose(Random random, int width, int height, int count, int minFace, int maxFace) {
        Mat canvas = background(random, width, height);
        List<Pasted> faces = new ArrayList<>();
        List<Spot> taken = new ArrayList<>();
        // In groups every face must leave room for the others: at most a 1 / (1.2 count) of the shorter side.
        double largest =
                count == 1 ? maxFace : Math.max(minFace, Math.min(maxFace, Math.min(width, height) / (1.2 * count)));
        for (int n = 0; n < count; n++) {
            Path source = sources.get(random.nextInt(sources.size()));
            double faceSide = minFace + random.nextDouble() * (largest - minFace);
            double context = count == 1 ? BoxFraming.LFW_SIDE / reference.boxSide() : 1.4 + 0.8 * random.nextDouble();
            for (int attempt = 0; ; attempt++) {
                if (attempt > 0 && attempt % 40 == 0) {
                    faceSide = Math.max(minFace, 0.9 * faceSide);
                    context = Math.max(1.2, 0.9 * context);
                }
                if (attempt == 2000) {
                    throw new IllegalStateException("Cannot place " + count + " faces in " + width + "x" + height);
                }
                double pasted = Math.min(context * faceSide, Math.min(width, height) - 2);
                double usedContext = Math.max(1.2, pasted / faceSide);
                double half = usedContext * faceSide / 2;
                if (2 * half > Math.min(width, height)) {
                    continue;
                }
                double centreX = half + random.nextDouble() * (width - 2 * half);
                double centreY = half + random.nextDouble() * (height - 2 * half);
                Spot spot = new Spot(centreX - half, centreY - half, 2 * half);
                if (taken.stream().noneMatch(spot::overlaps)) {
                    taken.add(spot);
                    try (Mat photo = RealLfwPhotos.read(source)) {
                        faces.add(paste(canvas, photo, faceSide, usedContext, centreX, centreY));
                    }
                    break;
                }
            }
        }
        return new Scene(canvas, List.copyOf(faces));
    }

    /**
     * A scene with one face whose true box touches the photo's {@code edge} (0 left, 1 top, 2 right, 3 bottom);
     * the pasted LFW photo is cut off there.
     */
    Scene atEdge(Random random, int width, int height, int edge, double faceSide) {
        Mat canvas = background(random, width, height);
        double half = faceSide / 2;
        double centreX = half + random.nextDouble() * (width - 2 * half);
        double centreY = half + random.nextDouble() * (height - 2 * half);
        switch (edge) {
            case 0 -> centreX = half;
            case 1 -> centreY = half;
            case 2 -> centreX = width - half;
            default -> centreY = height - half;
        }
        try (Mat photo = RealLfwPhotos.read(sources.get(random.nextInt(sources.size())))) {
            Pasted face = paste(canvas, photo, faceSide, BoxFraming.LFW_SIDE / reference.boxSide(), centreX, centreY);
            return new Scene(canvas, List.of(face));
        }
    }

    /**
     * Pastes the face-centred part ({@code context} face sides) of a 250 x 250 LFW photo so that its face measures
     * {@code faceSide} and is centred at the given point; parts outside the canvas are cut off.
     */
    Pasted paste(Mat canvas, Mat photo, double faceSide, double context, double centreX, double centreY) {
        double faceCentreX = reference.boxX() + reference.boxSide() / 2;
        double faceCentreY = reference.boxY() + reference.boxSide() / 2;
        double halfRegion = context * reference.boxSide() / 2;
        int left = (int) Math.max(0, Math.round(faceCentreX - halfRegion));
        int top = (int) Math.max(0, Math.round(faceCentreY - halfRegion));
        int right = (int) Math.min(photo.cols(), Math.round(faceCentreX + halfRegion));
        int bottom = (int) Math.min(photo.rows(), Math.round(faceCentreY + halfRegion));
        double scale = faceSide / reference.boxSide();
        int outWidth = Math.max(1, (int) Math.round((right - left) * scale));
        int outHeight = Math.max(1, (int) Math.round((bottom - top) * scale));
        double scaleX = (double) outWidth / (right - left);
        double scaleY = (double) outHeight / (bottom - top);
        int destX = (int) Math.round(centreX - (faceCentreX - left) * scaleX);
        int destY = (int) Math.round(centreY - (faceCentreY - top) * scaleY);
        try (Mat region = new Mat(photo, new Rect(left, top, right - left, bottom - top));
                Mat scaled = new Mat()) {
            resize(region, scaled, new Size(outWidth, outHeight), 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
            int x0 = Math.max(0, destX);
            int y0 = Math.max(0, destY);
            int x1 = Math.min(canvas.cols(), destX + outWidth);
            int y1 = Math.min(canvas.rows(), destY + outHeight);
            try (Mat from = new Mat(scaled, new Rect(x0 - destX, y0 - destY, x1 - x0, y1 - y0));
                    Mat to = new Mat(canvas, new Rect(x0, y0, x1 - x0, y1 - y0))) {
                from.copyTo(to);
            }
        }
        return new Pasted(destX - left * scaleX, destY - top * scaleY, scaleX, scaleY);
    }

    /** Matches detections to true boxes greedily by IoU: found faces, unmatched detections, IoU of the found. */
    static Match match(List<Box> truth, List<FaceBox> detections, double minIou) {
        boolean[] used = new boolean[detections.size()];
        int[] detectionOf = new int[truth.size()];
        int found = 0;
        double iouSum = 0;
        for (int t = 0; t < truth.size(); t++) {
            Box box = truth.get(t);
            int best = -1;
            double bestIou = minIou;
            for (int i = 0; i < detections.size(); i++) {
                double iou = box.iou(detections.get(i));
                if (!used[i] && iou >= bestIou) {
                    best = i;
                    bestIou = iou;
                }
            }
            detectionOf[t] = best;
            if (best >= 0) {
                used[best] = true;
                found++;
                iouSum += bestIou;
            }
        }
        return new Match(truth.size(), found, detections.size() - found, iouSum, detectionOf, used);
    }

    /** A square part of a scene taken by a pasted photo. */
    private record Spot(double x, double y, double side) {

        boolean overlaps(Spot other) {
            return x < other.x + other.side && other.x < x + side && y < other.y + other.side && other.y < y + side;
        }
    }

    /**
     * Cuts a region out of a photo and resamples it to {@code side} x {@code side} (area averaging when shrinking,
     * bilinear when enlarging); the part of the region outside the photo repeats the photo's edge pixels.
     *
     * @return a new image of the photo's type; the caller closes it
     */
    static Mat extract(Mat photo, FaceFrame region, int side) {
        Objects.requireNonNull(photo, "photo");
        if (photo.empty() || side < 1) {
            throw new IllegalArgumentException("Need a non-empty photo and a positive side");
        }
        int left = (int) Math.round(region.x());
        int top = (int) Math.round(region.y());
        int regionSide = Math.max(1, (int) Math.round(region.side()));
        int width = photo.cols();
        int height = photo.rows();
        if (left >= width || top >= height || left + regionSide <= 0 || top + regionSide <= 0) {
            throw new IllegalArgumentException(
                    "The region " + region + " lies outside the " + width + "x" + height + " photo");
        }
        int insideLeft = Math.max(left, 0);
        int insideTop = Math.max(top, 0);
        int insideRight = Math.min(left + regionSide, width);
        int insideBottom = Math.min(top + regionSide, height);
        Mat result = new Mat();
        try (PointerScope scope = new PointerScope()) {
            Mat inside =
                    new Mat(photo, new Rect(insideLeft, insideTop, insideRight - insideLeft, insideBottom - insideTop));
            Mat square = inside;
            if (insideLeft != left
                    || insideTop != top
                    || insideRight != left + regionSide
                    || insideBottom != top + regionSide) {
                square = new Mat();
                copyMakeBorder(
                        inside,
                        square,
                        insideTop - top,
                        top + regionSide - insideBottom,
                        insideLeft - left,
                        left + regionSide - insideRight,
                        BORDER_REPLICATE);
            }
            resize(square, result, new Size(side, side), 0, 0, regionSide > side ? INTER_AREA : INTER_LINEAR);
        }
        return result;
    }
}
