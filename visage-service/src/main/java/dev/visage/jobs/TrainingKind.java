package dev.visage.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a training job trains. */
public enum TrainingKind {

    /** A model of the selected people, stored as a candidate for service. */
    MODEL,

    /** A face base, on LFW's people outside the models' (see {@code dataset.BaseSplit}); in use once stored. */
    BASE;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code model} or {@code base}, in any case. */
    @JsonCreator
    public static TrainingKind parse(String value) {
        for (TrainingKind kind : values()) {
            if (kind.name().equalsIgnoreCase(value.strip())) {
                return kind;
            }
        }
        throw new IllegalArgumentException("must be model or base, not " + value);
    }
}
