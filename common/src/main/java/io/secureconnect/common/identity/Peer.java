package io.secureconnect.common.identity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A machine identity proven by a certificate of the deployment's CA: the URI in its subject alternative names,
 * {@code spiffe://secureconnect/<kind>/<name>} (the SPIFFE form, as Konnectivity and service meshes use), e.g.
 * {@code spiffe://secureconnect/gateway/gateway-1} or {@code spiffe://secureconnect/service/tunnel-registry}.
 * Written once here; {@code scripts/lib/pki.sh} and the test PKI issue certificates in this form.
 */
public record Peer(PeerKind kind, String name) {

    public static final String TRUST_DOMAIN = "secureconnect";
    public static final String URI_PREFIX = "spiffe://" + TRUST_DOMAIN + "/";
    /** Names: gateway ids, service and runner names. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int SAN_URI = 6;

    public Peer {
        if (kind == null || name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a peer needs a kind and a name matching " + NAME.pattern());
        }
    }

    public static Peer service(String name) {
        return new Peer(PeerKind.SERVICE, name);
    }

    public static Peer gateway(String gatewayId) {
        return new Peer(PeerKind.GATEWAY, gatewayId);
    }

    public static Peer runner(String name) {
        return new Peer(PeerKind.RUNNER, name);
    }

    public String uri() {
        return URI_PREFIX + kind.segment() + "/" + name;
    }

    /** The peer a URI names, if it is one of ours. */
    public static Optional<Peer> parse(String uri) {
        if (uri == null || !uri.startsWith(URI_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = uri.substring(URI_PREFIX.length()).split("/", -1);
        if (parts.length != 2 || !NAME.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        return PeerKind.fromSegment(parts[0]).map(kind -> new Peer(kind, parts[1]));
    }

    /**
     * The peer a (verified) certificate names: exactly one of its URI subject alternative names is ours. None, or
     * two (which would make the identity ambiguous), is no identity.
     */
    public static Optional<Peer> of(X509Certificate certificate) {
        List<Peer> peers = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() == null) {
                return Optional.empty();
            }
            for (List<?> name : certificate.getSubjectAlternativeNames()) {
                if (name.size() == 2 && Integer.valueOf(SAN_URI).equals(name.get(0))) {
                    parse(String.valueOf(name.get(1))).ifPresent(peers::add);
                }
            }
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        return peers.size() == 1 ? Optional.of(peers.get(0)) : Optional.empty();
    }

    @Override
    public String toString() {
        return kind.segment() + "/" + name;
    }
}
