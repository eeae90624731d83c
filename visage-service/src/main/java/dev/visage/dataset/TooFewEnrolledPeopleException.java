package dev.visage.dataset;

import dev.visage.system.DomainError;

/** A model of the enrolled people was asked for, but too few of them have enough photos to train on. */
public final class TooFewEnrolledPeopleException extends RuntimeException implements DomainError {

    private final int trainable;

    TooFewEnrolledPeopleException(int trainable, int enrolled) {
        super("Training on the enrolled people needs at least " + LfwCatalog.MIN_ENROLLED_PEOPLE + " people with at "
                + "least " + DataSplit.MIN_IMAGES_PER_PERSON + " photos each (one each for training, validation and "
                + "test); " + trainable + " of the " + enrolled + " people with photos have that many. People with "
                + "fewer photos are identified by their prototypes all the same.");
        this.trainable = trainable;
    }

    @Override
    public Problem problem() {
        return new Problem(422, "too-few-enrolled-people", "Too few enrolled people to train on")
                .with("trainablePeople", trainable)
                .with("minPeople", LfwCatalog.MIN_ENROLLED_PEOPLE)
                .with("minPhotosPerPerson", DataSplit.MIN_IMAGES_PER_PERSON);
    }
}
