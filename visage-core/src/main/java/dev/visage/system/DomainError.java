package dev.visage.system;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exception that says how it is answered: an RFC 9457 problem with its status, type, title and members, and the
 * exception's message as the problem's detail. The web layer renders every one alike, so a new error is one class.
 */
public interface DomainError {

    /** How this error is answered. */
    Problem problem();

    /** What went wrong this time: the problem's detail. */
    String getMessage();

    /**
     * The answer to a domain error.
     *
     * @param status the HTTP status code
     * @param type the problem type's name, e.g. {@code no-such-model}; the web layer makes it a URI
     * @param title the type's summary, the same for each of its errors
     * @param properties more members of the problem, in their order
     * @param retryAfterSeconds when the request may be repeated (the Retry-After header), or null
     * @param closesConnection whether the request's body was left unread, so the connection cannot carry another
     */
    record Problem(
            int status,
            String type,
            String title,
            Map<String, Object> properties,
            Integer retryAfterSeconds,
            boolean closesConnection) {

        public Problem {
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }

        public Problem(int status, String type, String title) {
            this(status, type, title, Map.of(), null, false);
        }

        /** This problem with one more member, after the others. */
        public Problem with(String name, Object value) {
            Map<String, Object> more = new LinkedHashMap<>(properties);
            more.put(name, value);
            return new Problem(status, type, title, more, retryAfterSeconds, closesConnection);
        }

        public Problem retryAfter(int seconds) {
            return new Problem(status, type, title, properties, seconds, closesConnection);
        }

        public Problem closingConnection() {
            return new Problem(status, type, title, properties, retryAfterSeconds, true);
        }
    }
}
