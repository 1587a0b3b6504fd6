package io.secureconnect.gateway.proxy;

import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.gateway.config.GatewaySettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the proxied connections open at once per build (the credential's account and build id, whatever its port) and
 * per account, in this gateway process. A connection is counted from the authorization of its request head until it
 * closes, so dials in flight count too.
 */
@Singleton
public class ConnectionCaps {

    private final BoundedCounts<BuildKey> builds;
    private final BoundedCounts<String> accounts;

    @Inject
    public ConnectionCaps(GatewaySettings settings) {
        this(settings.maxConnectionsPerBuild(), settings.maxConnectionsPerAccount());
    }

    ConnectionCaps(int perBuild, int perAccount) {
        this.builds = new BoundedCounts<>(perBuild);
        this.accounts = new BoundedCounts<>(perAccount);
    }

    private record BuildKey(String accountId, String buildId) {
    }

    /** The outcome of counting one connection. */
    sealed interface Outcome {
    }

    /** @param reason stable, for metrics and logs; the message goes to the client and names the limit */
    record OverLimit(String reason, String message) implements Outcome {
    }

    /** Counts a connection of this credential's build and account, or says which cap it would pass. */
    Outcome open(BuildCredential credential) {
        BuildKey build = new BuildKey(credential.accountId(), credential.buildId());
        AtomicInteger buildCount = builds.acquire(build);
        if (buildCount == null) {
            return new OverLimit("PROXY_BUILD_CONNECTION_LIMIT", "this build already has " + builds.max()
                    + " connections open through this proxy, its limit (max-connections-per-build); retry when one "
                    + "closes");
        }
        AtomicInteger accountCount = accounts.acquire(build.accountId());
        if (accountCount == null) {
            builds.release(build, buildCount);
            return new OverLimit("PROXY_ACCOUNT_CONNECTION_LIMIT", "this account already has " + accounts.max()
                    + " connections open through this proxy, its limit (max-connections-per-account); retry when "
                    + "one closes");
        }
        return new Hold(build, buildCount, accountCount);
    }

    /** Connections of this build counted now. */
    int openForBuild(String accountId, String buildId) {
        return builds.open(new BuildKey(accountId, buildId));
    }

    /** Connections of this account counted now. */
    int openForAccount(String accountId) {
        return accounts.open(accountId);
    }

    /** One connection counted against its build and account until released. */
    final class Hold implements Outcome {
        private final BuildKey build;
        private final AtomicInteger buildCount;
        private final AtomicInteger accountCount;
        private boolean released;

        private Hold(BuildKey build, AtomicInteger buildCount, AtomicInteger accountCount) {
            this.build = build;
            this.buildCount = buildCount;
            this.accountCount = accountCount;
        }

        /** Whether a request with this credential is already counted by this hold (same account and build). */
        boolean covers(BuildCredential credential) {
            return build.accountId().equals(credential.accountId()) && build.buildId().equals(credential.buildId());
        }

        /** Idempotent; called on the connection's event loop. */
        void release() {
            if (!released) {
                released = true;
                accounts.release(build.accountId(), accountCount);
                builds.release(build, buildCount);
            }
        }
    }
}
