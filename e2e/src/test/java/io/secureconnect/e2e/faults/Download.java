package io.secureconnect.e2e.faults;

import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One curl download through the tunnel, running in the background inside the runner's namespace into a file, so that
 * the test can watch it grow and act in the middle of it. curl's own --max-time is its hang guard.
 */
final class Download implements AutoCloseable {

    /** curl's exit code when --max-time fired: the guard, not the fault, ended the transfer. */
    static final int GUARD_FIRED = 28;

    private final ManagedProcess curl;
    private final Path file;

    private Download(ManagedProcess curl, Path file) {
        this.curl = curl;
        this.file = file;
    }

    /** The outcome: curl's exit code, its output (-w and errors), and how many bytes arrived. */
    record Result(int exitCode, String output, long bytes) {
    }

    /** Starts {@code curl -sS --max-time guard -o file -w %{http_code} [args...]} in the namespace. */
    static Download start(Namespace runner, String name, Path file, Duration guard, List<String> args, Path logs) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", String.valueOf(guard.toSeconds()),
                "-o", file.toString(), "-w", "%{http_code}\n"));
        command.addAll(args);
        return new Download(ManagedProcess.start(name, runner.exec(command), java.util.Map.of(), logs), file);
    }

    long bytes() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Waits until at least {@code count} bytes arrived (the transfer is under way), or fails. */
    Download awaitBytes(long count, Duration within) {
        curl.await(() -> bytes() >= count, within, "fewer than " + count + " bytes arrived");
        return this;
    }

    /** Waits for curl to end (bounded: its guard ends it at the latest). */
    Result await(Duration within) {
        int exit = curl.awaitExit(within);
        return new Result(exit, curl.logText().trim(), bytes());
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        curl.kill();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the test's work directory goes with target/
        }
    }
}
