package dev.visage.identify;

/** Too many identifications are waiting, or the model did not answer in time; the request is safe to repeat. */
public class ServiceBusyException extends RuntimeException {

    ServiceBusyException(String message) {
        super(message);
    }
}
