package io.secureconnect.gateway.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.common.startup.StartupChecks;
import io.secureconnect.gateway.tls.CertificateNames;
import io.secureconnect.gateway.tls.TlsMaterial;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The gateway's settings checked from the raw configuration before Quarkus starts: the first problem is printed as
 * one line naming the setting and the allowed values ("startup refused: setting=value: allowed"), and the process
 * exits with status 2, like every service's start-up checks.
 */
public final class GatewayStartupChecks {

    private static final String P = GatewayConfig.PREFIX;

    private GatewayStartupChecks() {
    }

    public static void checkOrExit() {
        List<String> problems = problems(
                name -> ConfigProvider.getConfig().getOptionalValue(name, String.class), true);
        if (!problems.isEmpty()) {
            System.err.println("startup refused: " + problems.get(0));
            System.exit(ServiceStartup.EXIT_BAD_SETTING);
        }
    }

    /** Every problem, in the order of the settings; {@code checkPortsFree} binds each port once to see it is free. */
    public static List<String> problems(Function<String, Optional<String>> settings, boolean checkPortsFree) {
        List<String> problems = new ArrayList<>();
        String bindHost = settings.apply(P + "bind-host").orElse(GatewayConfig.DEFAULT_BIND_HOST);
        try {
            List<String> ports = new ArrayList<>();
            ports.add(port(settings, "agent-port", GatewayConfig.DEFAULT_AGENT_PORT));
            ports.add(port(settings, "data-port", GatewayConfig.DEFAULT_DATA_PORT));
            for (int proxyPort : PortList.parse(P + "proxy-ports",
                    settings.apply(P + "proxy-ports").orElse(GatewayConfig.DEFAULT_PROXY_PORTS))) {
                ports.add(String.valueOf(proxyPort));
            }
            duration(settings, "dial-timeout", GatewayConfig.DEFAULT_DIAL_TIMEOUT);
            duration(settings, "idle-timeout", GatewayConfig.DEFAULT_IDLE_TIMEOUT);
            duration(settings, "heartbeat-interval", GatewayConfig.DEFAULT_HEARTBEAT_INTERVAL);
            duration(settings, "revocation-max-staleness", GatewayConfig.DEFAULT_REVOCATION_MAX_STALENESS);
            GatewaySettings.notNegative(P + "hand-over-timeout",
                    parse(settings, "hand-over-timeout", GatewayConfig.DEFAULT_HAND_OVER_TIMEOUT,
                            "must be 0 or a positive duration, e.g. 10s"));
            poolSize(settings);
            settings.apply(P + "agent-data-host").map(String::strip).filter(host -> !host.isEmpty())
                    .filter(host -> !GatewaySettings.hostOnly(host)).ifPresent(host -> {
                        throw new SettingException(P + "agent-data-host", host,
                                GatewaySettings.AGENT_DATA_HOST_ALLOWED);
                    });
            duration(settings, "data-pool-idle-timeout", GatewayConfig.DEFAULT_DATA_POOL_IDLE_TIMEOUT);
            duration(settings, "proxy.head-timeout", GatewayConfig.DEFAULT_PROXY_HEAD_TIMEOUT);
            limit(settings, "proxy.max-unauthenticated-per-source",
                    GatewayConfig.DEFAULT_PROXY_MAX_UNAUTHENTICATED_PER_SOURCE);
            limit(settings, "proxy.max-connections-per-build", GatewayConfig.DEFAULT_PROXY_MAX_CONNECTIONS_PER_BUILD);
            limit(settings, "proxy.max-connections-per-account",
                    GatewayConfig.DEFAULT_PROXY_MAX_CONNECTIONS_PER_ACCOUNT);
            Path certificate = file(settings, "tls.certificate", "the gateway's certificate chain in PEM");
            Path key = file(settings, "tls.key", "the certificate's private key in PEM (PKCS#8)");
            Path verifyKey = file(settings, "credential-verify-key",
                    "the Ed25519 public key (PEM) that verifies build credentials");
            try {
                TlsMaterial.load(certificate, key);
            } catch (RuntimeException e) {
                throw new SettingException(P + "tls.certificate", certificate.toString(),
                        "must be a PEM certificate chain matching " + P + "tls.key (" + e.getMessage() + ")");
            }
            agentDataHostIsCovered(settings, certificate);
            try {
                Ed25519Keys.readPublic(verifyKey);
            } catch (Exception e) {
                throw new SettingException(P + "credential-verify-key", verifyKey.toString(),
                        "must be an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)");
            }
            if (checkPortsFree) {
                String[] names = {"agent-port", "data-port"};
                for (int i = 0; i < ports.size(); i++) {
                    String setting = P + (i < names.length ? names[i] : "proxy-ports");
                    StartupChecks.portIsFree(setting, bindHost, ports.get(i))
                            .ifPresent(problem -> problems.add(problem.setting() + "=" + problem.value() + ": "
                                    + problem.reason()));
                }
            }
        } catch (SettingException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** Agents verify the data endpoint's certificate against agent-data-host: it must name it. */
    private static void agentDataHostIsCovered(Function<String, Optional<String>> settings, Path certificate) {
        Optional<String> host = settings.apply(P + "agent-data-host").map(String::strip).filter(h -> !h.isEmpty());
        if (host.isPresent()) {
            CertificateNames names = CertificateNames.of(certificate);
            if (!names.covers(host.get())) {
                throw new SettingException(P + "agent-data-host", host.get(), "must be a name of the certificate "
                        + P + "tls.certificate, which names " + names + " (agents verify it against this host)");
            }
        }
    }

    private static String port(Function<String, Optional<String>> settings, String name, String fallback) {
        String value = settings.apply(P + name).orElse(fallback).trim();
        try {
            GatewaySettings.port(P + name, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new SettingException(P + name, value, "must be an integer from 0 to 65535");
        }
        return value;
    }

    private static void poolSize(Function<String, Optional<String>> settings) {
        String value = settings.apply(P + "data-pool-size").orElse(GatewayConfig.DEFAULT_DATA_POOL_SIZE).trim();
        int size;
        try {
            size = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 0 || size > GatewaySettings.MAX_DATA_POOL_SIZE) {
            throw new SettingException(P + "data-pool-size", value, GatewaySettings.DATA_POOL_SIZE_ALLOWED);
        }
    }

    private static void limit(Function<String, Optional<String>> settings, String name, String fallback) {
        String value = settings.apply(P + name).orElse(fallback).trim();
        try {
            GatewaySettings.limit(P + name, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new SettingException(P + name, value, GatewaySettings.LIMIT_ALLOWED);
        }
    }

    private static void duration(Function<String, Optional<String>> settings, String name, String fallback) {
        GatewaySettings.positive(P + name,
                parse(settings, name, fallback, "must be a positive duration, e.g. 10s or 5m"));
    }

    private static Duration parse(Function<String, Optional<String>> settings, String name, String fallback,
            String allowed) {
        String value = settings.apply(P + name).orElse(fallback).trim();
        Duration parsed;
        try {
            parsed = DurationConverter.parseDuration(value);
        } catch (RuntimeException e) {
            parsed = null;
        }
        if (parsed == null) {
            throw new SettingException(P + name, value, allowed);
        }
        return parsed;
    }

    private static Path file(Function<String, Optional<String>> settings, String name, String what) {
        Optional<String> value = settings.apply(P + name).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            throw new SettingException(P + name, "", "is required: the path of " + what);
        }
        Path path = Path.of(value.get());
        GatewaySettings.readable(P + name, path);
        return path;
    }
}
