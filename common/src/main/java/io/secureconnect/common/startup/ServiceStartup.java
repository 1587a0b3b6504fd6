package io.secureconnect.common.startup;

import io.secureconnect.common.identity.IdentityFiles;
import io.secureconnect.common.identity.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Runs the start-up checks of a service from its {@code main}, before {@code Quarkus.run}.
 * On the first problem it prints one line to stderr and exits with status 2.
 */
public final class ServiceStartup {

    public static final int EXIT_BAD_SETTING = 2;

    private ServiceStartup() {
    }

    /**
     * Checks the HTTP port, the database when the service has one, and this process's identity ({@code self}: see
     * {@link IdentityFiles}).
     */
    public static void checkOrExit(boolean usesDatabase, Peer self) {
        Config config = ConfigProvider.getConfig();
        List<StartupProblem> problems = problems(config, usesDatabase);
        IdentityFiles.problem(value(config, IdentityFiles.SETTING), self).ifPresent(problems::add);
        exitOnFirst(problems);
    }

    /** Prints the first of {@code problems}, if any, as one line and exits with status 2. */
    public static void exitOnFirst(List<StartupProblem> problems) {
        if (!problems.isEmpty()) {
            System.err.println(problems.get(0).line());
            System.exit(EXIT_BAD_SETTING);
        }
    }

    static List<StartupProblem> problems(Config config, boolean usesDatabase) {
        List<StartupProblem> problems = new ArrayList<>();
        String host = value(config, "quarkus.http.host").orElse("0.0.0.0");
        String port = value(config, "quarkus.http.port").orElse("8080");
        StartupChecks.portIsFree("quarkus.http.port", host, port).ifPresent(problems::add);
        if (usesDatabase) {
            StartupChecks.databaseAnswers("quarkus.datasource.jdbc.url",
                    value(config, "quarkus.datasource.jdbc.url").orElse(null),
                    value(config, "quarkus.datasource.username").orElse(null),
                    value(config, "quarkus.datasource.password").orElse(null))
                    .ifPresent(problems::add);
        }
        return problems;
    }

    private static Optional<String> value(Config config, String name) {
        return config.getOptionalValue(name, String.class);
    }
}
