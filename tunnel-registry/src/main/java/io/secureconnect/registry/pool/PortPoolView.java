package io.secureconnect.registry.pool;

import java.util.List;

/** The port pool of an account: its range, the ports held or reserved now, and how many are free. */
public record PortPoolView(String accountIdentifier, int first, int last, List<Integer> usedPorts, int freeCount) {
}
