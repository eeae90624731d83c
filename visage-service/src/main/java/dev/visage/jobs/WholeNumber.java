package dev.visage.jobs;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/**
 * Strict JSON integers for the training request: {@code 1.5}, {@code 2.0} or {@code "3"} are refused, naming the
 * field, instead of being cut to an integer as Jackson would by default.
 */
final class WholeNumber {

    private WholeNumber() {}

    private static void check(JsonParser parser, DeserializationContext context, ValueDeserializer<?> deserializer) {
        if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            context.reportInputMismatch(deserializer, "must be a whole number, not %s", parser.getString());
        }
    }

    /** An {@link Integer} field. */
    static final class IntegerValue extends ValueDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser parser, DeserializationContext context) {
            check(parser, context, this);
            return parser.getIntValue();
        }
    }

    /** A {@link Long} field. */
    static final class LongValue extends ValueDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser parser, DeserializationContext context) {
            check(parser, context, this);
            return parser.getLongValue();
        }
    }
}
