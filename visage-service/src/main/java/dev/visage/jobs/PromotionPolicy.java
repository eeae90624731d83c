package dev.visage.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a training job does with its model once it is stored. */
public enum PromotionPolicy {

    /** Into service only if it passes the quality gate and its self-test; otherwise it stays a candidate. */
    AUTO,

    /** Stored as a candidate only; an operator may promote it later. */
    NEVER,

    /** Into service whatever its figures, provided it passes its self-test. */
    FORCE;

    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code auto}, {@code never} or {@code force}, in any case. */
    @JsonCreator
    public static PromotionPolicy parse(String value) {
        for (PromotionPolicy promotion : values()) {
            if (promotion.name().equalsIgnoreCase(value.strip())) {
                return promotion;
            }
        }
        throw new IllegalArgumentException("must be auto, never or force, not " + value);
    }
}
