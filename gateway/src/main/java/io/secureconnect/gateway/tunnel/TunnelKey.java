package io.secureconnect.gateway.tunnel;

/** A tunnel is one account's port: several accounts may use the same port number. */
public record TunnelKey(String accountId, int port) {

    @Override
    public String toString() {
        return "account=" + accountId + " port=" + port;
    }
}
