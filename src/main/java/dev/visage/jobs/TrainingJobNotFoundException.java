package dev.visage.jobs;

/** No training job with that id is remembered. */
public final class TrainingJobNotFoundException extends RuntimeException {

    TrainingJobNotFoundException(String id) {
        super("No training job " + id);
    }
}
