package io.secureconnect.registry.lease;

/**
 * What {@code lease_batch} answered one request of a batch ({@link LeaseBatchStore}), with that request. A grant, a
 * refusal and a release are final; {@link Busy} and {@link NotLive} want a follow-up of their own, after the batch
 * committed ({@link LeaseBatcher}).
 */
sealed interface BatchAnswer {

    LeaseRequest request();

    /** An acquisition granted. */
    record Granted(LeaseRequest.Acquire request, Grant grant) implements BatchAnswer {
    }

    /** An acquisition refused ({@link LeaseStore#answer}: PORT_HELD, UNKNOWN_GATEWAY, POOL_EXHAUSTED). */
    record Refused(LeaseRequest.Acquire request, LeaseFailure failure) implements BatchAnswer {
    }

    /** A port-0 acquisition whose free ports were all being changed by other transactions: repeat it alone. */
    record Busy(LeaseRequest.Acquire request) implements BatchAnswer {
    }

    /** A release that ended its lease. */
    record Released(LeaseRequest.Release request) implements BatchAnswer {
    }

    /** A release that matched no live lease: {@link LeaseLoss} tells whether it is stale or repeated. */
    record NotLive(LeaseRequest.Release request) implements BatchAnswer {
    }
}
