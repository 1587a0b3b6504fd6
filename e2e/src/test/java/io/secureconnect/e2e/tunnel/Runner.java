package io.secureconnect.e2e.tunnel;

import io.secureconnect.e2e.fixture.Namespace;
import io.secureconnect.e2e.fixture.Shell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The cloud build machine: a namespace that can reach the gateway's address and nothing else. */
final class Runner {

    private final Namespace namespace;

    Runner(Namespace namespace) {
        this.namespace = namespace;
    }

    /** curl inside the runner; returns exit code and output (-w adds the HTTP status on the last line). */
    Shell.Result curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
        command.addAll(List.of(args));
        return Shell.run(namespace.exec(command), 60);
    }

    /**
     * The HTTP status a client sees through the proxy: the origin's, or the proxy's answer to CONNECT when the
     * tunnel was refused (curl reports that one as http_connect, with http_code 000).
     */
    String status(String proxy, Path proxyCa, Path originCa, String url) {
        Shell.Result result = curl("-o", "/dev/null", "-w", "\n%{http_connect} %{http_code}", "-x", proxy,
                "--proxy-cacert", proxyCa.toString(), "--cacert", originCa.toString(), url);
        String[] lines = result.output().trim().split("\n");
        String[] codes = lines[lines.length - 1].trim().split(" ");
        if (codes.length < 2) {
            return "000";
        }
        return codes[1].equals("000") ? codes[0] : codes[1];
    }

    /** Runs a shell script inside the runner. */
    Shell.Result bash(String script, long timeoutSeconds) {
        return Shell.run(namespace.exec(List.of("bash", "-c", script)), timeoutSeconds);
    }
}
