package dev.visage.people;

import dev.visage.face.Photo;
import dev.visage.identify.FramedFace;
import dev.visage.identify.Identification;
import dev.visage.identify.IdentificationService;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;
import org.springframework.stereotype.Service;

/**
 * Enrols a photo of a person: read as {@code /identify} reads photos, it must show exactly one face (or the
 * caller picks one with its box); what is kept is that face's frame, as an LFW-sized PNG, never the upload.
 */
@Service
class PhotoEnrolment {

    /** How much a picked box must overlap a face found (intersection over union) to pick it. */
    private static final double MIN_OVERLAP = 0.5;

    private final EnrolledPeople people;
    private final IdentificationService identification;

    PhotoEnrolment(EnrolledPeople people, IdentificationService identification) {
        this.people = people;
        this.identification = identification;
    }

    /**
     * The photo as enrolled.
     *
     * @param created false when the person had this photo already
     * @param png the stored crop
     */
    record Enrolled(Person.Photo photo, byte[] png, boolean created) {}

    /** @param box the face to enrol, {@code x,y,w,h} in the photo's pixels, when it shows several; or null */
    Enrolled enrol(String personId, byte[] image, String box) {
        Identification.Box picked = box == null ? null : parse(box);
        String photoId = image == null ? null : PeopleFiles.sha256(image);
        if (people.get(personId).has(photoId)) {
            return new Enrolled(photoOf(personId, photoId), people.crop(personId, photoId), false);
        }
        FramedFace face = choose(identification.framedFaces(image), picked, box);
        if (face.tooSmall()) {
            throw FaceChoiceException.tooSmall(face.box());
        }
        byte[] png = png(face.framed());
        EnrolledPeople.Added added = people.addPhoto(personId, photoId, face.box(), png);
        return new Enrolled(added.photo(), added.created() ? png : people.crop(personId, photoId), added.created());
    }

    private Person.Photo photoOf(String personId, String photoId) {
        return people.get(personId).photos().stream()
                .filter(photo -> photo.id().equals(photoId))
                .findFirst()
                .orElseThrow(() -> new PhotoNotFoundException(personId, photoId));
    }

    private static FramedFace choose(List<FramedFace> faces, Identification.Box picked, String box) {
        List<Identification.Box> boxes = faces.stream().map(FramedFace::box).toList();
        if (picked != null) {
            return faces.stream()
                    .filter(face -> overlap(face.box(), picked) >= MIN_OVERLAP)
                    .max(Comparator.comparingDouble(face -> overlap(face.box(), picked)))
                    .orElseThrow(() -> FaceChoiceException.noneAt(box, boxes));
        }
        if (faces.isEmpty()) {
            throw FaceChoiceException.none();
        }
        if (faces.size() > 1) {
            throw FaceChoiceException.several(boxes);
        }
        return faces.get(0);
    }

    /** Intersection over union of two boxes. */
    static double overlap(Identification.Box a, Identification.Box b) {
        long width = Math.max(0, Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x()));
        long height = Math.max(0, Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y()));
        double intersection = (double) width * height;
        double union = (double) a.width() * a.height() + (double) b.width() * b.height() - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    static Identification.Box parse(String box) {
        String[] parts = box.split(",", -1);
        try {
            if (parts.length == 4) {
                int[] values = new int[4];
                for (int i = 0; i < 4; i++) {
                    values[i] = Integer.parseInt(parts[i].strip());
                }
                if (values[2] > 0 && values[3] > 0) {
                    return new Identification.Box(values[0], values[1], values[2], values[3]);
                }
            }
        } catch (NumberFormatException e) {
            // answered below, as any other malformed box
        }
        throw FaceChoiceException.invalidBox(box);
    }

    /** A photo as PNG bytes. */
    static byte[] png(Photo photo) {
        BufferedImage image = new BufferedImage(photo.width(), photo.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(photo.bgr(), 0, raster, 0, raster.length);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }
}
