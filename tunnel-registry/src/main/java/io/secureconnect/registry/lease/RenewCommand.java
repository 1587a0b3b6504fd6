package io.secureconnect.registry.lease;

/** A heartbeat for a lease; the byte counters are null when the gateway reported none. */
public record RenewCommand(String accountId, int port, long epoch, String gatewayId, Long bytesIn, Long bytesOut) {
}
