package io.secureconnect.gateway.config;

import io.secureconnect.common.startup.MappedSettings;
import io.secureconnect.common.startup.ServiceStartup;
import io.secureconnect.common.startup.StartupChecks;
import io.secureconnect.common.startup.StartupProblem;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's settings checked from {@code main} before Quarkus starts: read as Quarkus will read them, then
 * {@link GatewaySettings}'s rules, then whether each listener's port is free. The first problem is printed as one
 * line naming the setting and the allowed values ("startup refused: setting=value: allowed"), and the process exits
 * with status 2, like every service's start-up checks.
 */
public final class GatewayStartupChecks {

    private static final String P = GatewayConfig.PREFIX;

    private GatewayStartupChecks() {
    }

    /** The checked settings; on a problem, one line and exit 2. */
    public static GatewaySettings settingsOrExit() {
        try {
            return settings(MappedSettings.asQuarkusReadsThem());
        } catch (SettingException e) {
            ServiceStartup.exitOnFirst(List.of(e.problem()));
            throw e;
        }
    }

    /** On a port another process listens on, one line and exit 2. */
    public static void portsFreeOrExit(GatewaySettings settings) {
        ServiceStartup.exitOnFirst(portProblems(settings));
    }

    /** The settings {@code sources} give, checked; the first problem is thrown. */
    static GatewaySettings settings(SmallRyeConfigBuilder sources) {
        return MappedSettings.read(sources, GatewayConfig.class, GatewaySettings::allowed).then(GatewaySettings::new,
                problems -> {
                    throw new SettingException(problems.get(0));
                });
    }

    /** The problem with the settings, else (when {@code checkPortsFree}) every port already taken. */
    static List<String> problems(SmallRyeConfigBuilder sources, boolean checkPortsFree) {
        GatewaySettings settings;
        try {
            settings = settings(sources);
        } catch (SettingException e) {
            return List.of(e.getMessage());
        }
        return !checkPortsFree ? List.of() : portProblems(settings).stream()
                .map(problem -> new SettingException(problem).getMessage()).toList();
    }

    /** Binds each port once to see it is free. */
    private static List<StartupProblem> portProblems(GatewaySettings settings) {
        List<Integer> ports = new ArrayList<>(List.of(settings.agentPort(), settings.dataPort()));
        ports.addAll(settings.proxyPorts());
        String[] names = {"agent-port", "data-port"};
        List<StartupProblem> problems = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            String setting = P + (i < names.length ? names[i] : "proxy-ports");
            StartupChecks.portIsFree(setting, settings.bindHost(), String.valueOf(ports.get(i)))
                    .ifPresent(problems::add);
        }
        return problems;
    }
}
