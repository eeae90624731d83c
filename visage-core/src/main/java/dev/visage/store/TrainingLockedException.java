package dev.visage.store;

import dev.visage.system.DomainError;

/** Another instance sharing the model store holds its training lock: one training job runs at a time, store-wide. */
public final class TrainingLockedException extends RuntimeException implements DomainError {

    private final LockHolder holder;

    public TrainingLockedException(LockHolder holder) {
        super("Instance " + holder.owner() + " is running training job " + holder.jobId() + " on this model store "
                + "(since " + holder.acquiredAt() + "); one job runs at a time across all instances");
        this.holder = holder;
    }

    public LockHolder holder() {
        return holder;
    }

    @Override
    public Problem problem() {
        return new Problem(409, "training-elsewhere", "Training runs on another instance")
                .with("owner", holder.owner())
                .with("jobId", holder.jobId())
                .with("heartbeatAt", holder.heartbeatAt());
    }
}
