package io.secureconnect.registry.lease;

/** A gateway ending the lease it holds at {@code epoch}. */
public record ReleaseCommand(String accountId, int port, long epoch, String gatewayId) {
}
