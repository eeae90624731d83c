package dev.visage.people;

import dev.visage.dataset.EnrolledCrops;
import java.util.List;
import org.springframework.stereotype.Component;

/** The enrolled people's stored crops for training a model of them, as the store holds them now; ids only. */
@Component
class PeopleCrops implements EnrolledCrops {

    private final EnrolledPeople people;

    PeopleCrops(EnrolledPeople people) {
        this.people = people;
    }

    @Override
    public List<Person> people() {
        people.refresh();
        return people.all().stream()
                .filter(person -> !person.photos().isEmpty())
                .map(person -> new Person(
                        person.id(),
                        person.photos().stream()
                                .map(photo ->
                                        new Crop(people.files().photoFile(person.id(), photo.id()), photo.sha256()))
                                .toList()))
                .toList();
    }
}
