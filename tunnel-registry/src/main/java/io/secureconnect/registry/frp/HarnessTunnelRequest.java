package io.secureconnect.registry.frp;

/** The body Harness's frps fork sends: {@code {"port": "30001", "userCredentials": "..."}} (port as a string). */
public record HarnessTunnelRequest(String port, String userCredentials) {
}
