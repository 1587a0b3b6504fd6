package io.secureconnect.keyvalidator.ratelimit;

import io.quarkus.runtime.StartupEvent;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.jobs.Background;
import io.secureconnect.keyvalidator.secret.TokenString;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Failure budget per token id, whatever client sends it (the per-client budget is {@link FailureLimiter}'s): failed
 * uses of a token id that exists (a wrong secret, or the right one of a revoked or expired token) count together from
 * every client. Once {@code per-key.max-failures} of them fall in {@code per-key.window}, further <em>failing</em>
 * attempts with that id are answered 429 / RESOURCE_EXHAUSTED (reason KEY_THROTTLED, Retry-After) instead of their
 * denial, and one WARN per window names the id and the counts. Attempts still being checked count too, once per
 * distinct token, so a burst of concurrent wrong secrets from many clients is cut at the budget.
 *
 * <p>The right secret is always accepted, however many failures the id has: a valid key is never refused because
 * others failed. Secrets are 256 random bits, so no rate makes guessing one feasible; what this budget is for is to
 * bound what a guessing campaign against one key gets back (the throttled answers say nothing about the secret, nor
 * whether the token is revoked or expired) and to make it visible; refusing the right secret would instead hand anyone
 * who knows a token id (it is not a secret: logs and revocation events name it) a way to lock its owner out.
 *
 * <p>Keyed by the token id, the {@code <tokenId>} segment of {@code pat.<accountId>.<tokenId>.<secret>}, because it is
 * known from the token text alone; the API key id would need a database read for unknown tokens. Bounded: an id is
 * tracked while it has checks in flight or failures in its window; ids that turn out not to exist (and valid uses)
 * are dropped when their check ends, so unknown ids count only per client. At most {@code per-key.max-entries} ids
 * are tracked; beyond that, new ids go untracked (the per-client budget still holds) and a WARN says so. Per-replica
 * memory, like {@link FailureLimiter}. Tokens are remembered only as a hash code, never as text.
 */
@ApplicationScoped
public class KeyFailureBudget {

    private static final Logger LOG = Logger.getLogger(KeyFailureBudget.class);
    /** Distinct clients counted per id for the log line; beyond this the count says "at least". */
    static final int MAX_CLIENTS_COUNTED = 1024;

    /** One check {@link #begin} admitted: the id it counts against (null: untracked) and its place in the budget. */
    public record Ticket(String tokenId, int tokenHash, boolean overBudget) {

        static final Ticket UNTRACKED = new Ticket(null, 0, false);
    }

    /** One id's window: failures counted, failing attempts throttled, clients seen, tokens being checked. */
    private static final class Window {
        final long startNanos;
        int failures;
        int throttled;
        boolean warned;
        final Set<Integer> clients = new HashSet<>();
        final Map<Integer, Integer> inFlight = new HashMap<>();

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    /** What the log line of a window's first throttled attempt says. */
    private record Warning(int failures, int clients) {
    }

    @Inject
    KeysConfig config;

    @Inject
    Background background;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final AtomicLong lastPurge = new AtomicLong(System.nanoTime() - 2_000_000_000L);
    private final AtomicLong lastFullWarning = new AtomicLong(System.nanoTime() - Duration.ofMinutes(2).toNanos());

    void start(@Observes StartupEvent event) {
        problem(config.rateLimit().perKey()).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        background.every(Duration.ofSeconds(30), "per-key failure budget purge", this::purge);
    }

    /**
     * Notes that {@code token} is about to be checked. Never refuses: whether the attempt is throttled is decided
     * by {@link #end}, once it is known to have failed. Call {@link #end} exactly once for the ticket.
     */
    public Ticket begin(String token) {
        String tokenId = TokenString.parse(token).map(TokenString::tokenId).orElse(null);
        if (tokenId == null) {
            return Ticket.UNTRACKED;
        }
        KeysConfig.PerKey settings = config.rateLimit().perKey();
        if (windows.size() >= settings.maxEntries() && !windows.containsKey(tokenId)) {
            purgeAtMostEverySecond();
            if (windows.size() >= settings.maxEntries()) {
                warnFull(settings.maxEntries());
                return Ticket.UNTRACKED;
            }
        }
        long now = System.nanoTime();
        long length = settings.window().toNanos();
        int max = settings.maxFailures();
        int hash = token.hashCode();
        boolean[] over = {false};
        windows.compute(tokenId, (id, window) -> {
            Window current = window == null || (now - window.startNanos >= length && window.inFlight.isEmpty())
                    ? new Window(now) : window;
            boolean alreadyInFlight = current.inFlight.containsKey(hash);
            over[0] = current.failures >= max
                    || (!alreadyInFlight && current.failures + current.inFlight.size() >= max);
            current.inFlight.merge(hash, 1, Integer::sum);
            return current;
        });
        return new Ticket(tokenId, hash, over[0]);
    }

    /**
     * Ends a check. {@code keyFailure}: it failed as a use of an existing id ({@code Validation.keyFailure()}).
     * Returns the seconds to send as Retry-After when this failing attempt is to be answered KEY_THROTTLED instead of
     * its denial; empty otherwise (always for an attempt that did not fail).
     */
    public OptionalLong end(Ticket ticket, String caller, boolean keyFailure) {
        if (ticket.tokenId() == null) {
            return OptionalLong.empty();
        }
        long now = System.nanoTime();
        long length = config.rateLimit().perKey().window().toNanos();
        long[] retryAfter = {-1};
        Warning[] warning = {null};
        windows.computeIfPresent(ticket.tokenId(), (id, window) -> {
            window.inFlight.computeIfPresent(ticket.tokenHash(), (k, count) -> count > 1 ? count - 1 : null);
            if (keyFailure) {
                if (window.clients.size() < MAX_CLIENTS_COUNTED) {
                    window.clients.add(caller == null ? 0 : caller.hashCode());
                }
                if (ticket.overBudget()) {
                    window.throttled++;
                    retryAfter[0] = Math.max(1, (window.startNanos + length - now + 999_999_999L) / 1_000_000_000L);
                    if (!window.warned) {
                        window.warned = true;
                        warning[0] = new Warning(window.failures, window.clients.size());
                    }
                } else {
                    window.failures++;
                }
            }
            return window.failures == 0 && window.throttled == 0 && window.inFlight.isEmpty() ? null : window;
        });
        if (warning[0] != null) {
            // The token id is not a secret (revocation events and principals name it); the token never appears.
            LOG.warnf("token id %s is over its failure budget: %d failed uses (wrong secret, revoked or expired) from "
                    + "%s%d clients within %s; further failing uses are answered KEY_THROTTLED until the window ends,"
                    + " the right secret is still accepted", ticket.tokenId(), warning[0].failures(),
                    warning[0].clients() >= MAX_CLIENTS_COUNTED ? "at least " : "", warning[0].clients(),
                    config.rateLimit().perKey().window());
        }
        return retryAfter[0] < 0 ? OptionalLong.empty() : OptionalLong.of(retryAfter[0]);
    }

    /** What is wrong with the settings, naming the setting and what it allows; empty when nothing is. */
    static Optional<String> problem(KeysConfig.PerKey settings) {
        String prefix = "startup refused: secureconnect.keys.rate-limit.per-key.";
        if (settings.maxFailures() < 1) {
            return Optional.of(prefix + "max-failures=" + settings.maxFailures() + ": must be at least 1");
        }
        if (settings.maxEntries() < 1) {
            return Optional.of(prefix + "max-entries=" + settings.maxEntries() + ": must be at least 1");
        }
        if (settings.window().isNegative() || settings.window().isZero()) {
            return Optional.of(prefix + "window=" + settings.window() + ": must be longer than zero");
        }
        return Optional.empty();
    }

    /** How many token ids are tracked now (for tests and metrics). */
    public int tracked() {
        return windows.size();
    }

    void purge() {
        long now = System.nanoTime();
        long length = config.rateLimit().perKey().window().toNanos();
        windows.values().removeIf(window -> now - window.startNanos >= length && window.inFlight.isEmpty());
    }

    /** A full map is purged on demand, but not on every check: a purge walks every entry. */
    private void purgeAtMostEverySecond() {
        long now = System.nanoTime();
        long last = lastPurge.get();
        if (now - last >= 1_000_000_000L && lastPurge.compareAndSet(last, now)) {
            purge();
        }
    }

    private void warnFull(int maxEntries) {
        long now = System.nanoTime();
        long last = lastFullWarning.get();
        if (now - last >= Duration.ofMinutes(1).toNanos() && lastFullWarning.compareAndSet(last, now)) {
            LOG.warnf("per-key failure budget: %d token ids tracked (secureconnect.keys.rate-limit.per-key.max-entries);"
                    + " new ids go untracked until windows end (the per-client budget still applies)", maxEntries);
        }
    }
}
