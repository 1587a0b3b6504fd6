package io.secureconnect.common.identity;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.Status;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.oidc.OidcIdentity;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who is calling the current gRPC call, as {@link CallerAuthInterceptor} established it: a {@link Peer} (certificate
 * or OIDC service token), or an account-scoped credential that the method itself must check (an API key token, or
 * a verified OIDC identity of an account).
 */
public final class CallerContext {

    static final Context.Key<Peer> PEER = Context.key("secureconnect-peer");
    static final Context.Key<String> API_KEY = Context.key("secureconnect-api-key");
    static final Context.Key<OidcIdentity> ACCOUNT_TOKEN = Context.key("secureconnect-account-token");
    static final Context.Key<SocketAddress> CLIENT = Context.key("secureconnect-client");

    private static final Pattern ANY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private CallerContext() {
    }

    /** The proven machine identity of the caller, if it is one. */
    public static Optional<Peer> peer() {
        return Optional.ofNullable(PEER.get());
    }

    /** The API key token an account-scoped caller sent (x-api-key), still to be checked by the method. */
    public static Optional<String> apiKey() {
        return Optional.ofNullable(API_KEY.get());
    }

    /** The address an account-scoped caller connected from (its failure budget at key-validator is its own). */
    public static Optional<SocketAddress> client() {
        return Optional.ofNullable(CLIENT.get());
    }

    /** The verified OIDC identity of an account-scoped caller (no service role), still to be authorized. */
    public static Optional<OidcIdentity> accountToken() {
        return Optional.ofNullable(ACCOUNT_TOKEN.get());
    }

    /**
     * A gateway acts only as itself: the gateway id a request names must be the caller's own, else
     * PERMISSION_DENIED GATEWAY_MISMATCH. A value that cannot be a gateway id of any length (empty, or with a
     * character no id has) is returned as it is, for the method's own validation to refuse as bad input: no gateway
     * of that name can exist.
     */
    public static String actingGateway(String requested) {
        Peer peer = PEER.get();
        if (peer == null || peer.kind() != PeerKind.GATEWAY) {
            throw GrpcFailure.of(Status.Code.PERMISSION_DENIED, "NOT_A_GATEWAY",
                    "only a gateway may call this, as itself");
        }
        if (requested == null || !ANY_ID.matcher(requested).matches()) {
            return requested == null ? "" : requested;
        }
        if (!requested.equals(peer.name())) {
            throw mismatch(peer, requested);
        }
        return requested;
    }

    private static StatusRuntimeException mismatch(Peer peer, String requested) {
        return GrpcFailure.of(Status.Code.PERMISSION_DENIED, "GATEWAY_MISMATCH",
                "gateway '" + peer.name() + "' may act only as itself, not as '" + printable(requested) + "'");
    }

    private static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
