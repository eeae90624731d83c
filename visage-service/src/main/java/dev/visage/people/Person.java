package dev.visage.people;

import dev.visage.identify.Identification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An enrolled person as {@code people/<id>/person.json} stores them: the name, and each photo's face box and the
 * SHA-256 of its stored crop ({@code photos/<photoId>.png}), checked whenever the crop is read.
 *
 * @param id a UUID, also the person's folder
 * @param name free text, trimmed, unique ignoring case
 * @param photos the enrolled photos, oldest first
 */
record Person(String id, String name, Instant createdAt, List<Photo> photos) {

    Person {
        photos = List.copyOf(photos);
    }

    /**
     * One enrolled photo.
     *
     * @param id the SHA-256 of the uploaded file, so that the same photo is enrolled once
     * @param box where the face is in the uploaded photo
     * @param sha256 the SHA-256 of the stored crop
     */
    record Photo(String id, Identification.Box box, Instant addedAt, String sha256) {}

    Person renamed(String newName) {
        return new Person(id, newName, createdAt, photos);
    }

    Person with(Photo photo) {
        List<Photo> more = new ArrayList<>(photos);
        more.add(photo);
        return new Person(id, name, createdAt, more);
    }

    Person without(String photoId) {
        return new Person(
                id,
                name,
                createdAt,
                photos.stream().filter(photo -> !photo.id().equals(photoId)).toList());
    }

    boolean has(String photoId) {
        return photos.stream().anyMatch(photo -> photo.id().equals(photoId));
    }
}
