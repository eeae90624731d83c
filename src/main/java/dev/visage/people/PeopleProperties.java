package dev.visage.people;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code visage.people.*}: the people enrolled with their own photos, kept in the model store's {@code people}
 * folder.
 *
 * @param maxPhotosPerPerson photos one person may have enrolled at once
 * @param maxPeople people who may be enrolled at once
 * @param pollInterval how often an instance checks whether another one sharing the store enrolled or erased
 *        someone, and follows it
 */
@Validated
@ConfigurationProperties(prefix = "visage.people", ignoreUnknownFields = false)
public record PeopleProperties(
        @Min(1) @Max(10_000) @DefaultValue("50") int maxPhotosPerPerson,
        @Min(1) @Max(1_000_000) @DefaultValue("10000") int maxPeople,
        @NotNull @DefaultValue("1s") Duration pollInterval) {

    public PeopleProperties {
        if (pollInterval != null && (pollInterval.isNegative() || pollInterval.toMillis() < 10)) {
            throw new IllegalArgumentException(
                    "visage.people.poll-interval must be at least 10ms, not " + pollInterval);
        }
    }
}
