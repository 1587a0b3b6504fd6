package io.secureconnect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one JVM holds, from outside (Linux, jcmd on the PATH): heap used after two full collections
 * ({@code jcmd PID GC.run}, then {@code GC.heap_info}), resident memory ({@code VmRSS}), threads and open files
 * ({@code /proc/PID}); and its CPU time ({@code /proc/PID/stat}), to put over a window.
 */
final class ProcessMemory {

    /** One reading; kilobytes as the JVM and the kernel print them. */
    record Reading(long heapUsedKb, long rssKb, int threads, int openFiles) {
    }

    private static final Pattern USED = Pattern.compile("\\bused (\\d+)K");
    private static final double TICK = 100.0; // USER_HZ on Linux

    private final long pid;

    ProcessMemory(long pid) {
        this.pid = pid;
    }

    Reading read() {
        jcmd("GC.run");
        sleep(500);
        jcmd("GC.run");
        sleep(500);
        Matcher used = USED.matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("jcmd " + pid + " GC.heap_info printed no 'used <n>K'");
        }
        String status = read(Path.of("/proc/" + pid + "/status"));
        String[] fds = Path.of("/proc/" + pid + "/fd").toFile().list();
        return new Reading(Long.parseLong(used.group(1)), field(status, "VmRSS"), (int) field(status, "Threads"),
                fds == null ? -1 : fds.length);
    }

    /** User + system CPU seconds the process has used so far. */
    double cpuSeconds() {
        String stat = read(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICK; // utime, stime (fields 14, 15)
    }

    private String jcmd(String command) {
        try {
            Process process = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + name + " in /proc/<pid>/status");
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
