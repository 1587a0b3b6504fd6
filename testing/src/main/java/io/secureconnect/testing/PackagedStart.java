package io.secureconnect.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the module's packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a deployer does, with
 * environment variables and JVM options, and waits (at most 60 s) for it to exit: what start-up refusals are tested
 * with. A service still running after that is a failure, with its output.
 */
public final class PackagedStart {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();

    /** How the process ended: its exit status and its non-blank output lines (stdout and stderr). */
    public record Run(int exit, List<String> lines) {
    }

    private PackagedStart() {
    }

    /** Runs the service in {@code workingDirectory} (its output goes to a file there). */
    public static Run run(Path workingDirectory, List<String> jvmOptions, Map<String, String> env)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        Path log = Files.createTempFile(workingDirectory, "output", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!exited) {
            throw new AssertionError("still running: " + output);
        }
        return new Run(process.exitValue(), output.lines().filter(line -> !line.isBlank()).toList());
    }
}
