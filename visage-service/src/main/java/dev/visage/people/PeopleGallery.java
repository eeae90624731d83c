package dev.visage.people;

import dev.visage.face.FaceCrop;
import dev.visage.face.FaceFrame;
import dev.visage.face.Photo;
import dev.visage.face.PhotoDecoder;
import dev.visage.identify.EnrolledFaces;
import dev.visage.serving.CurrentBase;
import dev.visage.serving.FaceFeatures;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The enrolled people as identification compares faces with them: each stored crop's features from the face base
 * in use (computed once per base, in memory), and each person's prototype. Rebuilt in the background whenever the
 * people or the base change; an erased person leaves the prototypes at once, before any rebuild.
 */
@Component
class PeopleGallery implements EnrolledFaces {

    private static final Logger log = LoggerFactory.getLogger(PeopleGallery.class);
    /** Stored crops passed through the base at once while rebuilding. */
    private static final int BATCH = 32;

    private final EnrolledPeople people;
    private final CurrentBase bases;
    private final boolean onlyEnrolled;
    private final Map<String, float[]> features = new ConcurrentHashMap<>();
    private final AtomicBoolean rebuildQueued = new AtomicBoolean();
    private final ExecutorService rebuilder = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "people-gallery");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String featuresBase;
    private volatile EnrolledPeople.Snapshot latest;
    private volatile Prototypes prototypes;

    PeopleGallery(EnrolledPeople people, CurrentBase bases, PeopleProperties properties) {
        this.people = people;
        this.bases = bases;
        this.onlyEnrolled = properties.onlyEnrolled();
        people.onChange(this::changed);
    }

    @Override
    public boolean onlyEnrolled() {
        return onlyEnrolled;
    }

    @Override
    public Optional<String> name(String personId) {
        EnrolledPeople.Snapshot snapshot = latest;
        Person person = snapshot == null ? null : snapshot.people().get(personId);
        return person == null ? Optional.empty() : Optional.of(person.name());
    }

    @Override
    public Optional<Gallery> gallery() {
        Prototypes current = prototypes;
        if (current == null || current.isEmpty()) {
            if (current == null && hasPhotos(latest) && bases.version().isPresent()) {
                rebuildSoon();
            }
            return Optional.empty();
        }
        Optional<FaceFeatures> base = bases.acquire();
        if (base.isPresent() && base.get().baseVersion().equals(current.baseVersion())) {
            return Optional.of(new BaseGallery(base.get(), current));
        }
        base.ifPresent(FaceFeatures::close);
        rebuildSoon();
        return Optional.empty();
    }

    /** The prototypes compared with, and the base they were made with. */
    private record BaseGallery(FaceFeatures base, Prototypes prototypes) implements Gallery {

        @Override
        public FaceCrop crop() {
            return base.crop();
        }

        @Override
        public List<Match> match(float[][] crops, int top) {
            return prototypes.match(base.features(crops), top, base.matchThreshold());
        }

        @Override
        public void close() {
            base.close();
        }
    }

    private void changed(EnrolledPeople.Snapshot snapshot) {
        synchronized (rebuildQueued) {
            latest = snapshot;
            if (prototypes != null) {
                prototypes = prototypes.restrictedTo(snapshot.people());
            }
        }
        rebuildSoon();
    }

    private void rebuildSoon() {
        if (rebuildQueued.compareAndSet(false, true)) {
            rebuilder.execute(this::rebuild);
        }
    }

    /** Features for every stored crop that has none with the base in use, then every prototype. */
    private void rebuild() {
        rebuildQueued.set(false);
        EnrolledPeople.Snapshot snapshot = latest;
        Optional<FaceFeatures> acquired = bases.acquire();
        if (acquired.isEmpty()) {
            prototypes = null;
            return;
        }
        try (FaceFeatures base = acquired.get()) {
            if (!base.baseVersion().equals(featuresBase)) {
                features.clear();
                featuresBase = base.baseVersion();
            }
            List<Person> all = snapshot.byCreation();
            Set<String> stored = all.stream()
                    .flatMap(person -> person.photos().stream().map(photo -> key(person.id(), photo.id())))
                    .collect(Collectors.toSet());
            features.keySet().retainAll(stored);
            computeMissing(base, all);
            Prototypes made =
                    Prototypes.of(base.baseVersion(), all, (person, photo) -> features.get(key(person, photo)));
            synchronized (rebuildQueued) {
                prototypes = made.restrictedTo(latest.people());
            }
        } catch (RuntimeException e) {
            log.error("Cannot compare faces with the enrolled people: {}", e.toString());
        }
    }

    private void computeMissing(FaceFeatures base, List<Person> all) {
        List<String> keys = new ArrayList<>();
        List<float[]> crops = new ArrayList<>();
        for (Person person : all) {
            for (Person.Photo photo : person.photos()) {
                String key = key(person.id(), photo.id());
                if (!features.containsKey(key)) {
                    float[] crop = crop(base.crop(), person.id(), photo);
                    if (crop != null) {
                        keys.add(key);
                        crops.add(crop);
                    }
                    if (crops.size() == BATCH) {
                        store(base, keys, crops);
                    }
                }
            }
        }
        store(base, keys, crops);
    }

    private void store(FaceFeatures base, List<String> keys, List<float[]> crops) {
        if (!crops.isEmpty()) {
            float[][] computed = base.features(crops.toArray(float[][]::new));
            for (int i = 0; i < computed.length; i++) {
                features.put(keys.get(i), computed[i]);
            }
            keys.clear();
            crops.clear();
        }
    }

    /** The base's crop of a stored face (an LFW-framed image); null, and logged, when it cannot be read. */
    private float[] crop(FaceCrop crop, String personId, Person.Photo photo) {
        try {
            Photo framed = PhotoDecoder.decode(people.files().readPhoto(personId, photo), 1);
            float[] pixels = new float[crop.pixelCount(0)];
            crop.toPixels(framed, FaceFrame.centred(framed.width(), framed.height()), 0, pixels, 0);
            return pixels;
        } catch (RuntimeException e) {
            log.error("Enrolled photo {} of person {} is not compared with: {}", photo.id(), personId, e.getMessage());
            return null;
        }
    }

    private static boolean hasPhotos(EnrolledPeople.Snapshot snapshot) {
        return snapshot != null
                && snapshot.people().values().stream().anyMatch(p -> !p.photos().isEmpty());
    }

    private static String key(String personId, String photoId) {
        return personId + "/" + photoId;
    }

    @PreDestroy
    void stop() {
        rebuilder.shutdownNow();
    }
}
