package dev.visage.serving;

/** No model is in service yet (the first one may be training); the request can be repeated later. */
public class ModelNotReadyException extends RuntimeException {

    public ModelNotReadyException() {
        super("No model is loaded yet; one may be training. Try again later.");
    }
}
