package dev.visage.dataset;

import java.nio.file.Path;
import java.util.List;

/**
 * The enrolled people's stored face crops, as training reads them (the {@code people} package provides them). Each
 * crop is a face's frame already, an LFW-sized image framed as serving frames a detected face, so training crops it
 * from its centre, as serving crops the frame around a face it found.
 */
public interface EnrolledCrops {

    /** Every enrolled person with at least one photo, in enrolment order. */
    List<Person> people();

    /**
     * One enrolled person, known by id only.
     *
     * @param id the person's id
     * @param crops their stored crops, in enrolment order
     */
    record Person(String id, List<Crop> crops) {

        public Person {
            crops = List.copyOf(crops);
        }
    }

    /**
     * One stored crop.
     *
     * @param file where it is stored
     * @param sha256 its SHA-256 (lower-case hex) recorded at enrolment, checked when training reads it
     */
    record Crop(Path file, String sha256) {}
}
