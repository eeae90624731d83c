package dev.visage.people;

import dev.visage.identify.Identification;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** The JSON of the people API. */
final class PeopleViews {

    private PeopleViews() {}

    /** {@code {"name"}}: a person to enrol, or a new name. */
    record NameRequest(String name) {}

    /** A person: how many photos they have enrolled, and since when they are enrolled. */
    record PersonView(String id, String name, int photos, Instant createdAt) {

        static PersonView of(Person person) {
            return new PersonView(person.id(), person.name(), person.photos().size(), person.createdAt());
        }
    }

    record PeopleView(List<PersonView> people) {}

    /** A photo just enrolled: its id, the face's box in it, and the crop kept (a PNG data URL). */
    record EnrolledPhotoView(String id, Identification.Box box, String crop) {

        static EnrolledPhotoView of(PhotoEnrolment.Enrolled enrolled) {
            return new EnrolledPhotoView(
                    enrolled.photo().id(),
                    enrolled.photo().box(),
                    "data:image/png;base64," + Base64.getEncoder().encodeToString(enrolled.png()));
        }
    }

    /** An enrolled photo; its crop is {@code GET /people/{id}/photos/{photoId}} (PNG). */
    record PhotoView(String id, Identification.Box box, Instant addedAt) {

        static PhotoView of(Person.Photo photo) {
            return new PhotoView(photo.id(), photo.box(), photo.addedAt());
        }
    }

    record PhotosView(List<PhotoView> photos) {}
}
