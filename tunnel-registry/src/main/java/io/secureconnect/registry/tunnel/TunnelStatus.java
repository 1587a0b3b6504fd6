package io.secureconnect.registry.tunnel;

/** Whether a tunnel's lease is live. */
public enum TunnelStatus {
    CONNECTED,
    DISCONNECTED
}
