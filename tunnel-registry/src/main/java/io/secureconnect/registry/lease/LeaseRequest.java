package io.secureconnect.registry.lease;

import java.util.concurrent.CompletableFuture;

/** A lease change waiting for a batch ({@link LeaseBatcher}), and where its answer goes. */
sealed interface LeaseRequest {

    /** Answers the caller with a failure (anything but a grant or a release's answer). */
    void fail(Throwable failure);

    /** An acquisition; answered with the grant. */
    record Acquire(AcquireCommand command, CompletableFuture<Grant> answer) implements LeaseRequest {
        @Override
        public void fail(Throwable failure) {
            answer.completeExceptionally(failure);
        }
    }

    /** A release; answered true when it ended the lease, false when there was nothing live to end. */
    record Release(ReleaseCommand command, CompletableFuture<Boolean> answer) implements LeaseRequest {
        @Override
        public void fail(Throwable failure) {
            answer.completeExceptionally(failure);
        }
    }
}
