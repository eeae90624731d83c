package dev.visage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Raw HTTP/1.1 over a socket, for what an HTTP client library will not send: stalls, cut bodies, odd headers. */
public final class HttpProbe {

    private HttpProbe() {}

    /** A response as read off the wire. */
    public record Response(int status, String headers, String body) {
        public String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public String contentType() {
            String type = header("Content-Type");
            return type == null ? null : type.toLowerCase(Locale.ROOT);
        }
    }

    /** Opens a connection and sends the request head (with Connection: close) and the start of a body. */
    public static Socket open(int port, String head, byte[] bodyStart) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (bodyStart != null) {
            socket.getOutputStream().write(bodyStart);
        }
        socket.getOutputStream().flush();
        return socket;
    }

    /** Sends a whole request and reads the answer until the server closes or the body is complete. */
    public static Response exchange(int port, String head, byte[] body) throws IOException {
        try (Socket socket = open(port, head, body)) {
            return read(socket);
        }
    }

    /** Reads a response from a connection the server will close (it asks for Connection: close). */
    public static Response read(Socket socket) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
                if (complete(all.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            if (all.size() == 0) {
                throw e;
            }
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        String head = split < 0 ? text : text.substring(0, split);
        String[] statusLine = head.split("\r\n", 2)[0].split(" ");
        return new Response(
                Integer.parseInt(statusLine[1]),
                head.contains("\r\n") ? head.substring(head.indexOf("\r\n") + 2) : "",
                split < 0 ? "" : text.substring(split + 4));
    }

    private static boolean complete(String text) {
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            return false;
        }
        String head = text.substring(0, split).toLowerCase(Locale.ROOT);
        int at = head.indexOf("content-length:");
        if (at < 0) {
            return head.contains("transfer-encoding: chunked") && text.endsWith("0\r\n\r\n");
        }
        int end = head.indexOf("\r\n", at);
        int length = Integer.parseInt(
                head.substring(at + 15, end < 0 ? head.length() : end).trim());
        return text.length() - split - 4 >= length;
    }
}
