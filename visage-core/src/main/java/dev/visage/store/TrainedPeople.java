package dev.visage.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Which stored versions were trained on enrolled people who have since been erased. A person is enrolled while
 * their folder {@code <store>/people/<id>} exists; erasure removes it in one rename, so a version is marked from
 * that moment on, on every instance sharing the store, with nothing more to write and nothing that a crash could
 * lose. A version so marked is never a fall-back nor a roll-back target: its weights learnt from someone who asked to
 * be forgotten.
 */
public final class TrainedPeople {

    private static final Pattern PERSON_ID = Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");

    private final Path people;
    private final Function<String, ModelManifest> manifests;
    private final Supplier<List<String>> versions;

    /**
     * @param manifests reads a version's checked manifest
     * @param versions the stored versions, oldest first
     */
    TrainedPeople(Path root, Function<String, ModelManifest> manifests, Supplier<List<String>> versions) {
        this.people = root.resolve(ModelStore.PEOPLE_FOLDER);
        this.manifests = manifests;
        this.versions = versions;
    }

    /** Whether {@code id} has the form of an enrolled person's id (a random UUID, lower case). */
    public static boolean isPersonId(String id) {
        return PERSON_ID.matcher(id).matches();
    }

    /** Whether the person is still enrolled; an id of any other form never is. */
    private boolean enrolled(String personId) {
        return isPersonId(personId) && Files.isDirectory(people.resolve(personId));
    }

    /** Whether the version's weights learnt from a person since erased; false when its manifest cannot be read. */
    public boolean onErased(String version) {
        try {
            return onErased(manifests.apply(version));
        } catch (ModelStoreException e) {
            return false;
        }
    }

    /** Whether the weights of a version whose manifest is at hand learnt from a person since erased. */
    public boolean onErased(ModelManifest manifest) {
        List<String> ids = manifest.enrolledPeople();
        return ids != null && !ids.stream().allMatch(this::enrolled);
    }

    /** The versions not trained on anybody erased, in their order. */
    List<String> servable(List<String> versions) {
        return versions.stream().filter(version -> !onErased(version)).toList();
    }

    /** The stored versions whose weights learnt from this person, oldest first; unreadable ones are left out. */
    public List<String> trainedOn(String personId) {
        return versions.get().stream()
                .filter(version -> {
                    try {
                        return manifests.apply(version).trainedOn(personId);
                    } catch (ModelStoreException e) {
                        return false;
                    }
                })
                .toList();
    }
}
