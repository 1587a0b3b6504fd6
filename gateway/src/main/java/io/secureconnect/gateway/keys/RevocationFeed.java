package io.secureconnect.gateway.keys;

/**
 * What admitting a key needs to know of the revocation stream the gateway follows: whether it is stale, i.e. down
 * for longer than a revocation may go unseen. Then no key is admitted (fail closed). Followed above this package
 * ({@code events.RevocationWatcher}), which acts on tunnels; keys only ask.
 */
public interface RevocationFeed {

    boolean stale();
}
