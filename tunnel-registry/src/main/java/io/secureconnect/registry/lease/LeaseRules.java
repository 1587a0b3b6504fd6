package io.secureconnect.registry.lease;

import io.secureconnect.common.input.Identifiers;
import io.secureconnect.registry.pool.PortPool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks the fields of lease requests before anything is read or written. */
@Singleton
public class LeaseRules {

    public static final Pattern GATEWAY = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    private static final Pattern KEY_ID = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");
    private static final int MAX_TEXT = 255;
    /**
     * The registry's account columns hold 64 characters (V1, V5's account_ident domain): a longer account, valid
     * under the one identifier rule, is refused here rather than failing in the database.
     */
    public static final int MAX_ACCOUNT = 64;

    private final PortPool pool;

    @Inject
    public LeaseRules(PortPool pool) {
        this.pool = pool;
    }

    public void account(String accountId) {
        if (accountId == null || accountId.isEmpty()) {
            throw LeaseFailure.invalid("INVALID_ACCOUNT", "account_id", "is required");
        }
        if (!Identifiers.isValid(accountId)) {
            // The one identifier rule of every service (an account is created by key-validator under it).
            throw LeaseFailure.invalid("INVALID_ACCOUNT", "account_id", Identifiers.RULE);
        }
        if (accountId.length() > MAX_ACCOUNT) {
            throw LeaseFailure.invalid("INVALID_ACCOUNT", "account_id", "must be at most " + MAX_ACCOUNT + " characters");
        }
    }

    public void gateway(String gatewayId) {
        if (gatewayId == null || gatewayId.isEmpty()) {
            throw LeaseFailure.invalid("INVALID_GATEWAY_ID", "gateway_id", "is required");
        }
        if (!GATEWAY.matcher(gatewayId).matches()) {
            throw LeaseFailure.invalid("INVALID_GATEWAY_ID", "gateway_id",
                    "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** A port of the pool; 0 only where {@code zeroMeansAny}. */
    public void port(int port, boolean zeroMeansAny) {
        if (port == 0 && zeroMeansAny) {
            return;
        }
        if (!pool.contains(port)) {
            throw new LeaseFailure(LeaseFailure.Kind.INVALID, "PORT_OUT_OF_RANGE",
                    "port " + port + " " + pool.rule() + (zeroMeansAny ? " (or 0 for any free port)" : ""),
                    Map.of("field", "port", "port", String.valueOf(port), "first", String.valueOf(pool.first()),
                            "last", String.valueOf(pool.last())));
        }
    }

    public void epoch(long epoch) {
        if (epoch <= 0) {
            throw LeaseFailure.invalid("INVALID_EPOCH", "epoch", "must be the positive epoch of a granted lease");
        }
    }

    public void acquire(AcquireCommand command) {
        account(command.accountId());
        port(command.port(), true);
        if (command.apiKeyId() == null || command.apiKeyId().isEmpty()) {
            throw LeaseFailure.invalid("INVALID_API_KEY_ID", "api_key_id", "is required");
        }
        if (!KEY_ID.matcher(command.apiKeyId()).matches()) {
            throw LeaseFailure.invalid("INVALID_API_KEY_ID", "api_key_id",
                    "must be 1-128 letters, digits, '.', '_' or '-'");
        }
        gateway(command.gatewayId());
        text("agent_id", command.agentId(), 128);
        text("agent_host", command.agentHost(), MAX_TEXT);
        text("agent_version", command.agentVersion(), 64);
    }

    public void renew(RenewCommand command) {
        account(command.accountId());
        port(command.port(), false);
        epoch(command.epoch());
        gateway(command.gatewayId());
        if (command.bytesIn() != null && command.bytesIn() < 0) {
            throw LeaseFailure.invalid("INVALID_COUNTERS", "counters.bytes_in", "must be 0 or more");
        }
        if (command.bytesOut() != null && command.bytesOut() < 0) {
            throw LeaseFailure.invalid("INVALID_COUNTERS", "counters.bytes_out", "must be 0 or more");
        }
    }

    private static void text(String field, String value, int max) {
        if (value.length() > max) {
            throw LeaseFailure.invalid("INVALID_FIELD", field, "must be at most " + max + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw LeaseFailure.invalid("INVALID_FIELD", field, "must not hold control characters");
        }
    }
}
