package dev.visage.serving;

/** No model is in service yet (the first one may be training, or its training failed). */
public class ModelNotReadyException extends RuntimeException {

    public ModelNotReadyException() {
        super("No model is loaded yet; one may be training. Try again later.");
    }

    /** No model is in service because the newest training job failed, as {@code failure} says. */
    public ModelNotReadyException(String job, String failure) {
        super("No model is loaded yet: training job " + job + " failed: " + failure
                + ". Once that is fixed, train again (POST /train, or restart the service).");
    }
}
