package dev.visage.people;

import dev.visage.people.PeopleViews.EnrolledPhotoView;
import dev.visage.people.PeopleViews.NameRequest;
import dev.visage.people.PeopleViews.PeopleView;
import dev.visage.people.PeopleViews.PersonView;
import dev.visage.people.PeopleViews.PhotoView;
import dev.visage.people.PeopleViews.PhotosView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code /people}: enrol people with their own photos, list, rename and erase them. Admin token. */
@RestController
@RequestMapping(path = "/people", produces = MediaType.APPLICATION_JSON_VALUE)
class PeopleController {

    private final EnrolledPeople people;
    private final PhotoEnrolment enrolment;

    PeopleController(EnrolledPeople people, PhotoEnrolment enrolment) {
        this.people = people;
        this.enrolment = enrolment;
    }

    @Operation(summary = "Enrol a person (no photo yet); names are 1-100 characters, unique ignoring case")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<PersonView> create(@RequestBody NameRequest request) {
        Person person = people.create(request.name());
        return ResponseEntity.created(URI.create("/people/" + person.id())).body(PersonView.of(person));
    }

    @Operation(summary = "The enrolled people, oldest first")
    @GetMapping
    PeopleView list() {
        return new PeopleView(people.all().stream().map(PersonView::of).toList());
    }

    @GetMapping("/{id}")
    PersonView get(@PathVariable String id) {
        return PersonView.of(people.get(id));
    }

    @Operation(summary = "Rename a person")
    @PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    PersonView rename(@PathVariable String id, @RequestBody NameRequest request) {
        return PersonView.of(people.rename(id, request.name()));
    }

    @Operation(summary = "Erase a person: their photos, crops and features are deleted from the store at once")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void erase(@PathVariable String id) {
        people.erase(id);
    }

    @Operation(
            summary = "Enrol a photo of a person",
            description = "The multipart field 'image' must show exactly one face, or pick one with box=x,y,w,h."
                    + " 201 with the photo's id, the face's box and the crop kept; 200 when the same photo was"
                    + " enrolled before (the id is the SHA-256 of the file).")
    @PostMapping(path = "/{id}/photos", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<EnrolledPhotoView> enrol(
            @PathVariable String id,
            @Parameter(
                            description = "The photo",
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
                                            schema = @Schema(type = "string", format = "binary")))
                    @RequestPart(name = "image", required = false)
                    MultipartFile image,
            @Parameter(description = "The face to enrol when the photo shows several: x,y,w,h as /identify boxes it")
                    @RequestParam(name = "box", required = false)
                    String box)
            throws IOException {
        PhotoEnrolment.Enrolled enrolled = enrolment.enrol(id, image == null ? null : image.getBytes(), box);
        EnrolledPhotoView view = EnrolledPhotoView.of(enrolled);
        return enrolled.created()
                ? ResponseEntity.created(URI.create("/people/" + id + "/photos/" + view.id()))
                        .body(view)
                : ResponseEntity.ok(view);
    }

    @GetMapping("/{id}/photos")
    PhotosView photos(@PathVariable String id) {
        return new PhotosView(
                people.get(id).photos().stream().map(PhotoView::of).toList());
    }

    @Operation(summary = "The crop kept of an enrolled photo (PNG)")
    @GetMapping(path = "/{id}/photos/{photoId}", produces = MediaType.IMAGE_PNG_VALUE)
    byte[] crop(@PathVariable String id, @PathVariable String photoId) {
        return people.crop(id, photoId);
    }

    @Operation(summary = "Delete an enrolled photo and its crop")
    @DeleteMapping("/{id}/photos/{photoId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deletePhoto(@PathVariable String id, @PathVariable String photoId) {
        people.deletePhoto(id, photoId);
    }
}
