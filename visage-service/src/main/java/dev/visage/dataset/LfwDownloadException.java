package dev.visage.dataset;

/** The LFW archive could not be downloaded, verified or extracted; nothing half-done was left behind. */
public class LfwDownloadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LfwDownloadException(String message) {
        super(message);
    }

    public LfwDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
