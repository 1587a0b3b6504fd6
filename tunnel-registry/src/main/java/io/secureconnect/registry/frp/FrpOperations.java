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
import io.secureconnect.registry.config.FrpInstance;
import io.secureconnect.registry.lease.Grant;
import io.secureconnect.registry.lease.LeaseFailure;
import io.secureconnect.registry.pool.PortPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /**
     * Login: the API key in metas.api_key must hold core_pipeline_view with ABAC All. frps calls this before it
     * assigns a run_id: a first login has none (its session is recorded by the first operation that carries it); a
     * reconnect carries its previous run_id, whose old proxies frps has closed, so their leases are released.
     */
    FrpPluginResponse login(FrpInstance frps, JsonNode content) {
        String path = "content.";
        optionalString(content, path, "os");
        optionalString(content, path, "arch");
        optionalString(content, path, "user");
        optionalLong(content, path, "timestamp");
        optionalInt(content, path, "pool_count");
        if (content.has("client_spec") && !content.get("client_spec").isNull()) {
            object(content, path, "client_spec");
        }
        String version = optionalString(content, path, "version").orElse("");
        String hostname = optionalString(content, path, "hostname").orElse("");
        String clientAddress = optionalString(content, path, "client_address").orElse("");
        String privilegeKey = optionalString(content, path, "privilege_key").orElse("");
        Map<String, String> metas = stringMap(content, path, "metas");
        Optional<String> runId = optionalString(content, path, "run_id").filter(id -> !id.isEmpty())
                .map(id -> runId(id, path + "run_id"));
        String apiKey = metas.getOrDefault("api_key", "");
        if (apiKey.isEmpty()) {
            throw new FrpReject("no API key: set metadatas.api_key in frpc.toml to an API key with "
                    + AGENT_PERMISSION + " and resource scope All" + (privilegeKey.isEmpty() ? ""
                    : " (privilege_key is not read: with token auth frpc sends md5(token + timestamp) there)"));
        }
        Principal principal = validate(apiKey, clientAddress);
        if (runId.isPresent()) {
            if (!sessions.login(frps.id(), runId.get(), principal.getAccountId(), principal.getApiKeyId(),
                    shorten(hostname, 255), shorten(clientAddress, 255), shorten(version, 64))) {
                throw new FrpReject("run_id " + runId.get() + " is in use by a login of another API key");
            }
            int closed = leases.closeLogin(frps, runId.get());
            LOG.infof("frp login: frps=%s account=%s apiKey=%s runId=%s host=%s reconnect releasedProxies=%d",
                    frps.id(), principal.getAccountId(), principal.getApiKeyId(), runId.get(), hostname, closed);
        } else {
            LOG.infof("frp login: frps=%s account=%s apiKey=%s runId=(assigned by frps next) host=%s", frps.id(),
                    principal.getAccountId(), principal.getApiKeyId(), hostname);
        }
        return FrpPluginResponse.allow();
    }

    /** NewProxy: tcp only, remote_port in the pool (absent or 0: a free one), and the lease for it. */
    FrpPluginResponse newProxy(FrpInstance frps, JsonNode content) {
        String path = "content.";
        User user = user(content);
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
        FrpSessions.Session session = session(frps, user);
        Grant grant;
        try {
            grant = leases.open(frps, session, proxyName, remotePort);
        } catch (LeaseFailure e) {
            throw new FrpReject("proxy " + proxyName + ": " + e.getMessage() + " (" + e.reason() + ")");
        }
        LOG.infof("frp proxy opened: frps=%s account=%s runId=%s proxy=%s port=%d epoch=%d resumed=%s", frps.id(),
                session.accountId(), user.runId(), proxyName, grant.lease().port(), grant.lease().epoch(),
                grant.resumed());
        if (remotePort == 0) {
            ObjectNode changed = ((ObjectNode) content).deepCopy();
            changed.put("remote_port", grant.lease().port());
            return FrpPluginResponse.allowChanged(changed);
        }
        return FrpPluginResponse.allow();
    }

    /**
     * Ping (only an frpc with tcpMux off sends it): touches the login's leases; a lost one (force-released, or taken
     * over by another login of the key) makes frpc reconnect. Leases do not depend on it.
     */
    FrpPluginResponse ping(FrpInstance frps, JsonNode content) {
        User user = user(content);
        optionalLong(content, "content.", "timestamp");
        optionalString(content, "content.", "privilege_key");
        List<Integer> lost = leases.renewAll(frps, session(frps, user));
        if (!lost.isEmpty()) {
            throw new FrpReject("lease lost for port(s) " + lost.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + ": reconnect to acquire again (LEASE_LOST)");
        }
        return FrpPluginResponse.allow();
    }

    /** CloseProxy: releases the proxy's lease; closing an unknown proxy is not an error. */
    FrpPluginResponse closeProxy(FrpInstance frps, JsonNode content) {
        User user = user(content);
        String proxyName = proxyName(content);
        boolean known = leases.close(frps, user.runId(), proxyName);
        LOG.infof("frp proxy closed: frps=%s runId=%s proxy=%s known=%s", frps.id(), user.runId(), proxyName, known);
        return FrpPluginResponse.allow();
    }

    /** NewWorkConn: only for a login whose key holds. */
    FrpPluginResponse newWorkConn(FrpInstance frps, JsonNode content) {
        User user = user(content);
        optionalString(content, "content.", "run_id");
        optionalLong(content, "content.", "timestamp");
        optionalString(content, "content.", "privilege_key");
        session(frps, user);
        return FrpPluginResponse.allow();
    }

    /** NewUserConn: a build connects to a remote port; only while the proxy's lease is the live one. */
    FrpPluginResponse newUserConn(FrpInstance frps, JsonNode content) {
        User user = user(content);
        String proxyName = proxyName(content);
        optionalString(content, "content.", "proxy_type");
        optionalString(content, "content.", "remote_addr");
        if (!leases.live(frps, user.runId(), proxyName)) {
            throw new FrpReject("proxy " + proxyName + " holds no live lease (LEASE_LOST)");
        }
        return FrpPluginResponse.allow();
    }

    /**
     * The login of a run_id on this frps. The first operation of a first login (frps assigned the run_id after the
     * Login hook) records it: frps sends the login's metas with every operation, and its api_key is validated again.
     */
    private FrpSessions.Session session(FrpInstance frps, User user) {
        Optional<FrpSessions.Session> known = sessions.touch(frps.id(), user.runId());
        if (known.isPresent()) {
            return known.get();
        }
        String apiKey = user.metas().getOrDefault("api_key", "");
        if (apiKey.isEmpty()) {
            throw new FrpReject("unknown run_id " + user.runId() + " and no content.user.metas.api_key: log in again");
        }
        Principal principal = validate(apiKey, null);
        if (!sessions.login(frps.id(), user.runId(), principal.getAccountId(), principal.getApiKeyId(), "", "", "")) {
            throw new FrpReject("run_id " + user.runId() + " is in use by a login of another API key");
        }
        LOG.infof("frp login recorded: frps=%s account=%s apiKey=%s runId=%s", frps.id(), principal.getAccountId(),
                principal.getApiKeyId(), user.runId());
        return sessions.touch(frps.id(), user.runId()).orElseThrow();
    }

    private Principal validate(String apiKey, String clientAddress) {
        try {
            // frps tells the frpc's address at Login: key-validator counts failed logins per frpc, not per frps.
            return keyValidator.validate(apiKey, Set.of(AGENT_PERMISSION), true, null,
                    clientAddress == null || clientAddress.isEmpty() ? null : clientAddress).getPrincipal();
        } catch (KeyDenied e) {
            throw new FrpReject("login refused: " + e.getMessage() + " (" + e.code() + ")");
        }
    }

    /** frp's UserInfo (pkg/plugin/server/types.go): user, the login's metas, run_id. */
    private record User(String runId, Map<String, String> metas) {
    }

    private static User user(JsonNode content) {
        JsonNode user = object(content, "content.", "user");
        optionalString(user, "content.user.", "user");
        Map<String, String> metas = stringMap(user, "content.user.", "metas");
        return new User(runId(requiredString(user, "content.user.", "run_id"), "content.user.run_id"), metas);
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
