package dev.visage.identify;

import java.util.Locale;

/**
 * The headers of one multipart/form-data part that matter here: the field name and file name of its
 * Content-Disposition, and its Content-Type.
 */
record PartHeaders(String name, String fileName, String contentType) {

    /** Parses a part's header block (lines separated by CRLF, ISO-8859-1). */
    static PartHeaders parse(String block) {
        String disposition = null;
        String contentType = null;
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                if (!line.isBlank()) {
                    throw UploadRejectedException.malformed("A part header line has no colon: " + shorten(line));
                }
                continue;
            }
            String header = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (header.equals("content-disposition")) {
                disposition = value;
            } else if (header.equals("content-type")) {
                contentType = value;
            }
        }
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            throw UploadRejectedException.malformed("A part has no Content-Disposition: form-data header");
        }
        String name = parameter(disposition, "name");
        if (name == null || name.isEmpty()) {
            throw UploadRejectedException.malformed("A part's Content-Disposition has no name");
        }
        return new PartHeaders(name, parameter(disposition, "filename"), contentType);
    }

    /** The value of {@code key=value} or {@code key="value"} in a header value, or null. */
    static String parameter(String header, String key) {
        int at = 0;
        while (at < header.length()) {
            int semicolon = header.indexOf(';', at);
            if (semicolon < 0) {
                return null;
            }
            int equals = header.indexOf('=', semicolon);
            if (equals < 0) {
                return null;
            }
            String found = header.substring(semicolon + 1, equals).strip();
            int valueStart = equals + 1;
            int valueEnd;
            String value;
            if (valueStart < header.length() && header.charAt(valueStart) == '"') {
                valueEnd = closingQuote(header, valueStart + 1);
                value = header.substring(valueStart + 1, valueEnd).replace("\\\"", "\"");
                valueEnd++;
            } else {
                valueEnd = header.indexOf(';', valueStart);
                valueEnd = valueEnd < 0 ? header.length() : valueEnd;
                value = header.substring(valueStart, valueEnd).strip();
            }
            if (found.equalsIgnoreCase(key)) {
                return value;
            }
            at = valueEnd;
        }
        return null;
    }

    private static int closingQuote(String header, int from) {
        for (int i = from; i < header.length(); i++) {
            if (header.charAt(i) == '\\') {
                i++;
            } else if (header.charAt(i) == '"') {
                return i;
            }
        }
        throw UploadRejectedException.malformed("A quoted header parameter has no closing quote");
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
