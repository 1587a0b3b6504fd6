package io.secureconnect.e2e.load;

import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of one JVM of the system under test, as an operator would read it: the heap still in use right after a
 * full GC ({@code jcmd PID GC.run} then {@code GC.heap_info}: live data, not garbage waiting to be collected) and the
 * resident set size from {@code /proc/PID/status}. One jcmd launch per sample (both commands from one file), as each
 * costs the busy machine ~0.2 s of CPU. jcmd reaches the agents inside their namespace: attaching goes through the
 * shared /tmp, not the network.
 */
final class ProcessMemory {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private final String name;
    private final long pid;
    private final Path commands;

    /** One reading: both in bytes. */
    record Sample(long heapAfterGc, long rss) {
    }

    private ProcessMemory(String name, long pid, Path commands) {
        this.name = name;
        this.pid = pid;
        this.commands = commands;
    }

    /** The JVM of {@code process}: the process itself, or the java it runs (an agent starts as ip netns exec). */
    static ProcessMemory of(String name, ManagedProcess process, Path work) {
        long pid = javaPid(process.pid()).orElseThrow(() -> new IllegalStateException(name + " runs no java"));
        Path commands = work.resolve("jcmd-gc-heap.txt");
        try {
            Files.writeString(commands, "GC.run\nGC.heap_info\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProcessMemory(name, pid, commands);
    }

    String name() {
        return name;
    }

    /** Runs a full GC in the process and reads its heap and RSS; fails with jcmd's output if it cannot. */
    Sample sample() {
        Shell.Result heapInfo = Shell.run(List.of("jcmd", String.valueOf(pid), "-f", commands.toString()), 60);
        long heapKb = 0;
        boolean found = false;
        for (String line : heapInfo.output().lines().toList()) {
            Matcher used = USED.matcher(line);
            if (!line.contains("Metaspace") && !line.contains("class space") && used.find()) {
                heapKb += Long.parseLong(used.group(1));
                found = true;
            }
        }
        if (heapInfo.exitCode() != 0 || !found) {
            throw new IllegalStateException("jcmd " + pid + " (" + name + "): exit " + heapInfo.exitCode() + ": "
                    + heapInfo.output());
        }
        return new Sample(heapKb * 1024, rss());
    }

    private long rss() {
        try {
            Matcher rss = RSS.matcher(Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
            if (!rss.find()) {
                throw new IllegalStateException("no VmRSS for " + name + " (pid " + pid + ")");
            }
            return Long.parseLong(rss.group(1)) * 1024;
        } catch (IOException e) {
            throw new UncheckedIOException(name + " (pid " + pid + ") is gone", e);
        }
    }

    private static Optional<Long> javaPid(long pid) {
        if (isJava(pid)) {
            return Optional.of(pid);
        }
        return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants).map(ProcessHandle::pid)
                .filter(ProcessMemory::isJava).findFirst();
    }

    private static boolean isJava(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).trim().equals("java");
        } catch (IOException e) {
            return false;
        }
    }
}
