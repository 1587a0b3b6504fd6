package io.secureconnect.registry.frp;

import static io.secureconnect.registry.frp.FrpFields.object;
import static io.secureconnect.registry.frp.FrpFields.optionalBoolean;
import static io.secureconnect.registry.frp.FrpFields.optionalInt;
import static io.secureconnect.registry.frp.FrpFields.optionalLong;
import static io.secureconnect.registry.frp.FrpFields.optionalString;
import static io.secureconnect.registry.frp.FrpFields.requiredString;
import static io.secureconnect.registry.frp.FrpFields.stringMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.registry.auth.KeyDenied;
import io.secureconnect.registry.auth.KeyValidatorClient;
import io.secureconnect.registry.lease.Grant;
import io.secureconnect.registry.lease.LeaseFailure;
import io.secureconnect.registry.pool.PortPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The frp server-plugin operations (frp's doc/server_plugin.md). Each reads and checks every field it uses
 * first, so that a refused operation changes nothing.
 */
@ApplicationScoped
public class FrpOperations {

    static final String AGENT_PERMISSION = "core_pipeline_view";
    private static final Logger LOG = Logger.getLogger(FrpOperations.class);

    @Inject
    KeyValidatorClient keyValidator;

    @Inject
    FrpSessions sessions;

    @Inject
    FrpLeases leases;

    @Inject
    PortPool pool;

    /** Login: the API key in metas.api_key (or privilege_key) must hold core_pipeline_view with ABAC All. */
    FrpPluginResponse login(JsonNode content) {
        String path = "content.";
        optionalString(content, path, "os");
        optionalString(content, path, "arch");
        optionalString(content, path, "user");
        optionalLong(content, path, "timestamp");
        optionalInt(content, path, "pool_count");
        String version = optionalString(content, path, "version").orElse("");
        String hostname = optionalString(content, path, "hostname").orElse("");
        String clientAddress = optionalString(content, path, "client_address").orElse("");
        String privilegeKey = optionalString(content, path, "privilege_key").orElse("");
        Map<String, String> metas = stringMap(content, path, "metas");
        String runId = runId(requiredString(content, path, "run_id"), path + "run_id");
        String apiKey = metas.getOrDefault("api_key", "").isEmpty() ? privilegeKey : metas.get("api_key");
        if (apiKey.isEmpty()) {
            throw new FrpReject("no API key: set metadatas.api_key in frpc.toml to an API key with "
                    + AGENT_PERMISSION + " and resource scope All");
        }
        Principal principal;
        try {
            // frps tells the frpc's address: key-validator counts failed logins per frpc, not per frps.
            principal = keyValidator.validate(apiKey, Set.of(AGENT_PERMISSION), true, null,
                    clientAddress.isEmpty() ? null : clientAddress).getPrincipal();
        } catch (KeyDenied e) {
            throw new FrpReject("login refused: " + e.getMessage() + " (" + e.code() + ")");
        }
        if (!sessions.login(runId, principal.getAccountId(), principal.getApiKeyId(), shorten(hostname, 255),
                shorten(clientAddress, 255), shorten(version, 64))) {
            throw new FrpReject("run_id " + runId + " is in use by a login of another API key");
        }
        LOG.infof("frp login: account=%s apiKey=%s runId=%s host=%s", principal.getAccountId(),
                principal.getApiKeyId(), runId, hostname);
        return FrpPluginResponse.allow();
    }

    /** NewProxy: tcp only, remote_port in the pool (absent or 0: the lowest free one), and the lease for it. */
    FrpPluginResponse newProxy(JsonNode content) {
        String path = "content.";
        String runId = userRunId(content);
        String proxyName = proxyName(content);
        String type = requiredString(content, path, "proxy_type");
        optionalBoolean(content, path, "use_encryption");
        optionalBoolean(content, path, "use_compression");
        stringMap(content, path, "metas");
        int remotePort = optionalInt(content, path, "remote_port").orElse(0);
        if (!type.equals("tcp")) {
            throw new FrpReject("proxy " + proxyName + ": only tcp proxies are supported, not '" + type + "'");
        }
        if (remotePort != 0 && !pool.contains(remotePort)) {
            throw new FrpReject("proxy " + proxyName + ": remote_port " + remotePort + " " + pool.rule());
        }
        FrpSessions.Session session = session(runId);
        Grant grant;
        try {
            grant = leases.open(session, proxyName, remotePort);
        } catch (LeaseFailure e) {
            throw new FrpReject("proxy " + proxyName + ": " + e.getMessage() + " (" + e.reason() + ")");
        }
        LOG.infof("frp proxy opened: account=%s runId=%s proxy=%s port=%d epoch=%d resumed=%s", session.accountId(),
                runId, proxyName, grant.lease().port(), grant.lease().epoch(), grant.resumed());
        if (remotePort == 0) {
            ObjectNode changed = ((ObjectNode) content).deepCopy();
            changed.put("remote_port", grant.lease().port());
            return FrpPluginResponse.allowChanged(changed);
        }
        return FrpPluginResponse.allow();
    }

    /** Ping: renews the leases of the login's proxies; a lost one makes frpc reconnect and acquire again. */
    FrpPluginResponse ping(JsonNode content) {
        String runId = userRunId(content);
        optionalLong(content, "content.", "timestamp");
        optionalString(content, "content.", "privilege_key");
        List<Integer> lost = leases.renewAll(session(runId));
        if (!lost.isEmpty()) {
            throw new FrpReject("lease lost for port(s) " + lost.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + ": reconnect to acquire again (LEASE_LOST)");
        }
        return FrpPluginResponse.allow();
    }

    /** CloseProxy: releases the proxy's lease; closing an unknown proxy is not an error. */
    FrpPluginResponse closeProxy(JsonNode content) {
        String runId = userRunId(content);
        String proxyName = proxyName(content);
        leases.close(runId, proxyName);
        LOG.infof("frp proxy closed: runId=%s proxy=%s", runId, proxyName);
        return FrpPluginResponse.allow();
    }

    /** NewWorkConn: only for a known login. */
    FrpPluginResponse newWorkConn(JsonNode content) {
        String runId = userRunId(content);
        optionalString(content, "content.", "run_id");
        optionalLong(content, "content.", "timestamp");
        optionalString(content, "content.", "privilege_key");
        session(runId);
        return FrpPluginResponse.allow();
    }

    /** NewUserConn: a build connects to a remote port; only while the proxy's lease is the live one. */
    FrpPluginResponse newUserConn(JsonNode content) {
        String runId = userRunId(content);
        String proxyName = proxyName(content);
        optionalString(content, "content.", "proxy_type");
        optionalString(content, "content.", "remote_addr");
        if (!leases.live(runId, proxyName)) {
            throw new FrpReject("proxy " + proxyName + " holds no live lease (LEASE_LOST)");
        }
        return FrpPluginResponse.allow();
    }

    private FrpSessions.Session session(String runId) {
        return sessions.touch(runId).orElseThrow(() ->
                new FrpReject("unknown run_id " + runId + ": log in again"));
    }

    private static String userRunId(JsonNode content) {
        JsonNode user = object(content, "content.", "user");
        optionalString(user, "content.user.", "user");
        stringMap(user, "content.user.", "metas");
        return runId(requiredString(user, "content.user.", "run_id"), "content.user.run_id");
    }

    private static String proxyName(JsonNode content) {
        String name = requiredString(content, "content.", "proxy_name");
        if (name.length() > 255) {
            throw new FrpReject("content.proxy_name is longer than 255 characters");
        }
        return name;
    }

    private static String runId(String runId, String field) {
        if (runId.length() > 128 || !runId.matches("^[A-Za-z0-9._-]+$")) {
            throw new FrpReject(field + " must be 1-128 letters, digits, '.', '_' or '-'");
        }
        return runId;
    }

    private static String shorten(String text, int max) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > max ? printable.substring(0, max) : printable;
    }
}
