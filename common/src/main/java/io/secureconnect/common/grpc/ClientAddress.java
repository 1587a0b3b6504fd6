package io.secureconnect.common.grpc;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.secureconnect.proto.CallMetadata;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The end client a caller acts for (an agent, an frps, a REST client), as the caller saw it, in the
 * {@code secureconnect-client-address} metadata of ValidateToken (key-validator.proto): key-validator counts failed
 * validations per end client, so that one client guessing keys through a gateway or a service locks out only itself.
 * key-validator trusts it only from callers that authenticated as a gateway or a platform service. Its name is
 * {@link CallMetadata#CLIENT_ADDRESS}; what goes in it is decided here, for both ends.
 */
public final class ClientAddress {

    /** Longer values are cut: an address, not a payload. */
    public static final int MAX_LENGTH = 64;

    private ClientAddress() {
    }

    /** The host address of a socket address, or null when it has none. */
    public static String of(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
    }

    /** A stub interceptor sending {@code address} (nothing when null or blank). */
    public static ClientInterceptor forwarding(String address) {
        Metadata metadata = new Metadata();
        if (address != null && !address.isBlank()) {
            metadata.put(CallMetadata.CLIENT_ADDRESS, address.length() > MAX_LENGTH ? address.substring(0, MAX_LENGTH) : address);
        }
        return MetadataUtils.newAttachHeadersInterceptor(metadata);
    }
}
