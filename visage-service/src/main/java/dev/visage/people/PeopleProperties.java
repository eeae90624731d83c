package dev.visage.people;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.people.*}: the people enrolled with their own photos, kept in the model store's {@code people}
 * folder.
 *
 * @param maxPhotosPerPerson photos one person may have enrolled at once
 * @param maxPeople people who may be enrolled at once
 * @param onlyEnrolled name only the enrolled people: the LFW model's people are never answered, a face that is
 *        no enrolled person is {@code unknown}
 */
@Validated
@ConfigurationProperties(prefix = "visage.people", ignoreUnknownFields = false)
public record PeopleProperties(
        @Min(1) @Max(10_000) @DefaultValue("50") int maxPhotosPerPerson,
        @Min(1) @Max(1_000_000) @DefaultValue("10000") int maxPeople,
        @DefaultValue("false") boolean onlyEnrolled) {}
