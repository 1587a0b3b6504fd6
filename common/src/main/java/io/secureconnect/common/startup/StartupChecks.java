package io.secureconnect.common.startup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Checks a service runs before Quarkus starts, so that a wrong setting ends in one line naming it
 * instead of a long stack trace.
 */
public final class StartupChecks {

    static final String POSTGRES_PREFIX = "jdbc:postgresql://";
    private static final int DATABASE_TIMEOUT_SECONDS = 5;

    private StartupChecks() {
    }

    /** The port must be a number from 0 to 65535 that nothing else listens on. */
    public static Optional<StartupProblem> portIsFree(String setting, String host, String port) {
        int number;
        try {
            number = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            return problem(setting, port, "must be an integer from 0 to 65535");
        }
        if (number < 0 || number > 65535) {
            return problem(setting, port, "must be an integer from 0 to 65535");
        }
        if (number == 0) {
            return Optional.empty();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), number));
            return Optional.empty();
        } catch (UnknownHostException e) {
            return problem(setting, port, "the listen host '" + host + "' does not resolve");
        } catch (IOException e) {
            return problem(setting, port, "already in use on " + host + " (another process listens there)");
        }
    }

    /** The URL must be a PostgreSQL JDBC URL of a server that accepts these credentials. */
    public static Optional<StartupProblem> databaseAnswers(String setting, String url, String user, String password) {
        if (url == null || url.isBlank()) {
            return problem(setting, "", "is not set; give jdbc:postgresql://host:port/database");
        }
        String shown = withoutQuery(url);
        if (!url.startsWith(POSTGRES_PREFIX)) {
            return problem(setting, shown, "must start with " + POSTGRES_PREFIX);
        }
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", String.valueOf(DATABASE_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", String.valueOf(DATABASE_TIMEOUT_SECONDS));
        try (Connection ignored = DriverManager.getConnection(url, properties)) {
            return Optional.empty();
        } catch (SQLException e) {
            return problem(setting, shown, "cannot connect: " + firstLine(e.getMessage()));
        }
    }

    /** Query parameters of a JDBC URL may carry a password: never show them. */
    static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    private static Optional<StartupProblem> problem(String setting, String value, String reason) {
        return Optional.of(new StartupProblem(setting, value, reason));
    }
}
