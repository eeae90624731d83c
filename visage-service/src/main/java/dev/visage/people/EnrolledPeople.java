package dev.visage.people;

import dev.visage.identify.Identification;
import dev.visage.store.LifecycleNotes;
import dev.visage.store.ModelStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;

/**
 * The enrolled people as this instance sees them: an immutable snapshot of the store's {@code people} folder,
 * replaced after every change made here and whenever {@link #refresh} finds that another instance changed the
 * folder. Every change runs under the store's lock, on a snapshot brought up to date first, so names stay unique
 * and the limits hold across every instance sharing the store.
 */
@Service
public class EnrolledPeople {

    /** The people at one revision of the folder. */
    record Snapshot(String revision, Map<String, Person> people) {

        List<Person> byCreation() {
            return people.values().stream()
                    .sorted(Comparator.comparing(Person::createdAt).thenComparing(Person::id))
                    .toList();
        }
    }

    private final ModelStore store;
    private final PeopleFiles files;
    private final PeopleProperties properties;
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile Snapshot snapshot = new Snapshot(null, Map.of());

    EnrolledPeople(ModelStore store, PeopleProperties properties) {
        this.store = store;
        this.files = new PeopleFiles(store);
        this.properties = properties;
        refresh();
    }

    PeopleFiles files() {
        return files;
    }

    /** Calls {@code listener} with the current snapshot now, and with every new one. */
    void onChange(Consumer<Snapshot> listener) {
        listeners.add(listener);
        listener.accept(snapshot);
    }

    /** Reads the folder again when another instance changed it since this snapshot (a few bytes when not). */
    void refresh() {
        if (!files.revision().equals(snapshot.revision())) {
            files.locked(() -> {
                upToDate();
                return null;
            });
        }
    }

    List<Person> all() {
        return snapshot.byCreation();
    }

    Person get(String id) {
        return get(snapshot, id);
    }

    Person create(String name) {
        String checked = checkedName(name);
        return files.locked(() -> {
            Snapshot current = upToDate();
            if (current.people().size() >= properties.maxPeople()) {
                throw EnrolmentLimitException.people(properties.maxPeople());
            }
            requireFree(current, checked, null);
            Person person = new Person(UUID.randomUUID().toString(), checked, Instant.now(), List.of());
            files.write(person);
            publish(person.id(), person);
            return person;
        });
    }

    Person rename(String id, String name) {
        String checked = checkedName(name);
        return change(id, person -> {
            requireFree(snapshot, checked, id);
            return person.renamed(checked);
        });
    }

    /**
     * Erases a person: their folder, photos and crops are deleted from the store before this returns, which marks
     * every stored model version trained on them ({@link dev.visage.store.TrainedPeople}), and the lifecycle's
     * latest changes record it (their id, how many photos and the versions marked; no name, no face).
     */
    void erase(String id) {
        files.locked(() -> {
            int photos = get(upToDate(), id).photos().size();
            files.erase(id);
            publish(id, null);
            List<String> marked = store.trainedPeople().trainedOn(id);
            LifecycleNotes.record(
                    store,
                    "erase-person",
                    "person " + id + " and " + photos + " photos erased on request; model versions trained on them "
                            + "(now marked, never a fall-back): " + (marked.isEmpty() ? "none" : marked));
            return null;
        });
    }

    /**
     * Adds a photo's crop unless the person has it already.
     *
     * @return the photo as stored, and whether it was added now
     */
    Added addPhoto(String id, String photoId, Identification.Box box, byte[] png) {
        return files.locked(() -> {
            Person person = get(upToDate(), id);
            Optional<Person.Photo> existing =
                    person.photos().stream().filter(p -> p.id().equals(photoId)).findFirst();
            if (existing.isPresent()) {
                return new Added(existing.get(), false);
            }
            if (person.photos().size() >= properties.maxPhotosPerPerson()) {
                throw EnrolmentLimitException.photos(properties.maxPhotosPerPerson());
            }
            Person.Photo photo = new Person.Photo(photoId, box, Instant.now(), files.writePhoto(id, photoId, png));
            Person changed = person.with(photo);
            files.write(changed);
            publish(id, changed);
            return new Added(photo, true);
        });
    }

    record Added(Person.Photo photo, boolean created) {}

    /** Deletes a photo: the person stops listing it, and its crop is deleted. */
    void deletePhoto(String id, String photoId) {
        files.locked(() -> {
            Person person = get(upToDate(), id);
            if (!person.has(photoId)) {
                throw new PhotoNotFoundException(id, photoId);
            }
            Person changed = person.without(photoId);
            files.write(changed);
            files.deletePhoto(id, photoId);
            publish(id, changed);
            return null;
        });
    }

    /** A photo's stored crop, checked against its SHA-256. */
    byte[] crop(String id, String photoId) {
        Person person = get(id);
        Person.Photo photo = person.photos().stream()
                .filter(p -> p.id().equals(photoId))
                .findFirst()
                .orElseThrow(() -> new PhotoNotFoundException(id, photoId));
        return files.readPhoto(id, photo);
    }

    private Person change(String id, UnaryOperator<Person> change) {
        return files.locked(() -> {
            Person changed = change.apply(get(upToDate(), id));
            files.write(changed);
            publish(id, changed);
            return changed;
        });
    }

    /** The snapshot, read again from the folder when its revision moved on. Under the store's lock. */
    private Snapshot upToDate() {
        String revision = files.revision();
        if (!revision.equals(snapshot.revision())) {
            replace(new Snapshot(revision, Map.copyOf(files.readAll())));
        }
        return snapshot;
    }

    /** Records one person's change (null: erased) under a new revision. Under the store's lock. */
    private void publish(String id, Person person) throws IOException {
        Map<String, Person> people = new HashMap<>(snapshot.people());
        if (person == null) {
            people.remove(id);
        } else {
            people.put(id, person);
        }
        replace(new Snapshot(files.newRevision(), Map.copyOf(people)));
    }

    private void replace(Snapshot next) {
        snapshot = next;
        listeners.forEach(listener -> listener.accept(next));
    }

    private static Person get(Snapshot snapshot, String id) {
        Person person = PeopleFiles.isPersonId(id) ? snapshot.people().get(id) : null;
        if (person == null) {
            throw new PersonNotFoundException(id);
        }
        return person;
    }

    private static void requireFree(Snapshot snapshot, String name, String exceptId) {
        String key = name.toLowerCase(Locale.ROOT);
        snapshot.people().values().stream()
                .filter(person -> !person.id().equals(exceptId))
                .filter(person -> person.name().toLowerCase(Locale.ROOT).equals(key))
                .findFirst()
                .ifPresent(other -> {
                    throw PersonNameException.taken(other.id());
                });
    }

    /** The name trimmed, 1 to 100 characters. */
    static String checkedName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.codePointCount(0, trimmed.length()) > 100) {
            throw PersonNameException.invalid("A name is 1 to 100 characters once trimmed");
        }
        return trimmed;
    }
}
