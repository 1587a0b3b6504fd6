package io.secureconnect.common.identity;

import java.util.Optional;

/** The kinds of machine identity that call our gRPC methods; the segment names it in a {@link Peer}'s URI. */
public enum PeerKind {
    /** A platform service: key-validator, tunnel-registry, connector-policy. */
    SERVICE("service"),
    /** A gateway; the name is its gateway id. */
    GATEWAY("gateway"),
    /** The platform's build orchestrator (a runner fleet); the name says which. */
    RUNNER("runner");

    private final String segment;

    PeerKind(String segment) {
        this.segment = segment;
    }

    public String segment() {
        return segment;
    }

    static Optional<PeerKind> fromSegment(String segment) {
        for (PeerKind kind : values()) {
            if (kind.segment.equals(segment)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
