package dev.visage.people;

import static org.assertj.core.api.Assertions.assertThat;

import dev.visage.identify.EnrolledFaces;
import dev.visage.identify.Identification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Prototypes on synthetic features: each synthetic person's photos scatter around their own direction; their
 * other photos are named, a stranger (another direction) is not, and an erased person is named by nobody.
 */
class PrototypesTest {

    private static final int DIMENSIONS = 64;
    private static final float THRESHOLD = 0.5f;
    private final Random random = new Random(7);
    private final Map<String, float[]> features = new HashMap<>();

    @Test
    void namesEnrolledPeopleAndNotStrangers() {
        List<float[]> directions = new ArrayList<>();
        List<Person> people = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            float[] direction = randomUnit();
            directions.add(direction);
            people.add(enrolled("Person " + p, direction, 5));
        }
        Prototypes prototypes = Prototypes.of("base-1", people, (person, photo) -> features.get(person + photo));

        for (int p = 0; p < people.size(); p++) {
            EnrolledFaces.Match match = prototypes
                    .match(new float[][] {near(directions.get(p))}, 3, THRESHOLD)
                    .get(0);
            assertThat(match.known()).isTrue();
            assertThat(match.candidates()).hasSize(3);
            assertThat(match.candidates().get(0).personId())
                    .isEqualTo(people.get(p).id());
            assertThat(match.candidates().get(0).name()).isEqualTo("Person " + p);
            assertThat(match.candidates().get(0).similarity())
                    .isGreaterThan(match.candidates().get(1).similarity());
        }
        EnrolledFaces.Match stranger =
                prototypes.match(new float[][] {randomUnit()}, 3, THRESHOLD).get(0);
        assertThat(stranger.known()).isFalse();

        Map<String, Person> remaining = new HashMap<>();
        people.subList(1, people.size()).forEach(person -> remaining.put(person.id(), person));
        Prototypes afterErasure = prototypes.restrictedTo(remaining);
        assertThat(afterErasure.ids()).doesNotContain(people.get(0).id()).hasSize(19);
        EnrolledFaces.Match erased = afterErasure
                .match(new float[][] {near(directions.get(0))}, 3, THRESHOLD)
                .get(0);
        assertThat(erased.known()).isFalse();
        assertThat(erased.candidates())
                .noneMatch(c -> c.personId().equals(people.get(0).id()));
    }

    @Test
    void aPersonWithoutPhotosHasNoPrototype() {
        Person empty = new Person(UUID.randomUUID().toString(), "Nobody", Instant.now(), List.of());
        Prototypes prototypes = Prototypes.of("base-1", List.of(empty), (person, photo) -> null);
        assertThat(prototypes.isEmpty()).isTrue();
    }

    private Person enrolled(String name, float[] direction, int photos) {
        Person person = new Person(UUID.randomUUID().toString(), name, Instant.now(), List.of());
        for (int i = 0; i < photos; i++) {
            String id = PeopleFiles.sha256((name + i).getBytes());
            features.put(person.id() + id, near(direction));
            person = person.with(new Person.Photo(id, new Identification.Box(0, 0, 1, 1), Instant.now(), "0"));
        }
        return person;
    }

    /** A unit vector about 35 degrees from {@code direction}. */
    private float[] near(float[] direction) {
        float[] noise = randomUnit();
        float[] sum = new float[DIMENSIONS];
        for (int d = 0; d < DIMENSIONS; d++) {
            sum[d] = direction[d] + 0.7f * noise[d];
        }
        return Prototypes.unitLength(sum);
    }

    private float[] randomUnit() {
        float[] vector = new float[DIMENSIONS];
        for (int d = 0; d < DIMENSIONS; d++) {
            vector[d] = (float) random.nextGaussian();
        }
        return Prototypes.unitLength(vector);
    }
}
