package io.secureconnect.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How many tunnels one gateway holds: opens agents ({@link ScaleAgents}) up to each of {@code --counts} (e.g.
 * 100,500,1000) and after each, once every agent has been admitted and {@code --settle} seconds have passed (a lease
 * renewal round at the default 30 s TTL is every 10 s), reads the gateway's heap after GC, RSS, threads and open files
 * ({@link ProcessMemory}) and its CPU over that idle window (heartbeats and lease renewals only). Baseline in the same
 * run, first: {@code --baseline} bare TLS + HTTP/2 connections to the agent endpoint with no call on them, measured
 * the same way and closed again. Last, with {@code --parked} &gt; 0, that many parked data connections per tunnel (the
 * real agent keeps min(4, the Welcome's max_parked) parked ahead of demand, each retired after 90 s and replaced).
 * <pre>
 * --agent=127.0.0.1:PORT --data=127.0.0.1:PORT --ca=ca.pem --credentials=FILE (lines "account token")
 * --gateway-pid=PID [--counts=100,500,1000] [--baseline=1000] [--parked=1] [--settle=12] [--in-flight=16]
 * </pre>
 */
public final class GatewayScaleBench {

    private GatewayScaleBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        String agent = args.get("agent");
        String data = args.get("data");
        int[] counts = Arrays.stream(args.get("counts", "100,500,1000").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int baseline = args.integer("baseline", 1000);
        int parkedPerTunnel = args.integer("parked", 1);
        int settle = args.integer("settle", 12);
        int inFlight = args.integer("in-flight", 16);
        ProcessMemory gateway = new ProcessMemory(Long.parseLong(args.get("gateway-pid")));
        List<ScaleAgents.Credential> credentials = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args.get("credentials")))) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                credentials.add(new ScaleAgents.Credential(parts[0], parts[1]));
            }
        }

        System.out.printf("%-44s %9s %9s %8s %6s %14s %14s %11s%n", "state of the gateway", "heap MiB", "RSS MiB",
                "threads", "files", "heap KiB/each", "RSS KiB/each", "CPU ms/s");
        try (ScaleAgents agents = new ScaleAgents(host(agent), port(agent), port(data), Path.of(args.get("ca")),
                credentials)) {
            ProcessMemory.Reading empty = idle(gateway, settle);
            row("no tunnel (start)", empty, null, 0, Double.NaN);

            agents.openBare(baseline);
            double cpu = cpuOver(gateway, settle);
            ProcessMemory.Reading withBare = gateway.read();
            row(baseline + " bare TLS+HTTP/2 connections (baseline)", withBare, empty, baseline, cpu);
            double bareHeap = perEach(empty.heapUsedKb(), withBare.heapUsedKb(), baseline);
            double bareRss = perEach(empty.rssKb(), withBare.rssKb(), baseline);
            agents.closeBare();

            ProcessMemory.Reading zero = idle(gateway, settle);
            row("no tunnel (after the baseline closed)", zero, null, 0, Double.NaN);
            ProcessMemory.Reading last = zero;
            for (int count : counts) {
                long start = System.nanoTime();
                int before = agents.open();
                agents.openTo(count, inFlight);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("  opened %d agents in %.1f s (%.0f admissions/s, %d in flight): key check,"
                        + " AcquireLease, Welcome%n", count - before, seconds, (count - before) / seconds, inFlight);
                cpu = cpuOver(gateway, settle);
                last = gateway.read();
                row(count + " tunnels, 1 agent stream each", last, zero, count, cpu);
            }
            int tunnels = agents.open();
            double tunnelHeap = perEach(zero.heapUsedKb(), last.heapUsedKb(), tunnels);
            double tunnelRss = perEach(zero.rssKb(), last.rssKb(), tunnels);
            double parkedHeap = Double.NaN;
            if (parkedPerTunnel > 0 && tunnels > 0) {
                long start = System.nanoTime();
                int parked = agents.park(parkedPerTunnel, inFlight);
                System.out.printf("  parked %d data connections in %.1f s%n", parked, (System.nanoTime() - start) / 1e9);
                cpu = cpuOver(gateway, settle);
                ProcessMemory.Reading withParked = gateway.read();
                row("+ " + parked + " parked data connections", withParked, last, parked, cpu);
                parkedHeap = perEach(last.heapUsedKb(), withParked.heapUsedKb(), parked);
            }
            System.out.println();
            System.out.printf("per tunnel (0 -> %d): heap %.1f KiB, RSS %.1f KiB; per bare TLS+HTTP/2 connection:"
                    + " heap %.1f KiB, RSS %.1f KiB; a tunnel holds %.1fx the heap of a bare connection%n", tunnels,
                    tunnelHeap, tunnelRss, bareHeap, bareRss, tunnelHeap / bareHeap);
            if (!Double.isNaN(parkedHeap)) {
                System.out.printf("per parked data connection: heap %.1f KiB (%.2fx a bare agent-endpoint"
                        + " connection)%n", parkedHeap, parkedHeap / bareHeap);
            }
            System.out.printf("agents dropped by the gateway during the run: %d%s; this generator: %s%n",
                    agents.lost(), agents.lost() == 0 ? "" : " (first: " + agents.firstLoss() + ")",
                    agents.heartbeatReport());
        }
    }

    /** Waits out the settle time, then reads. */
    private static ProcessMemory.Reading idle(ProcessMemory gateway, int settle) {
        ProcessMemory.sleep(settle * 1000L);
        return gateway.read();
    }

    /**
     * Gateway CPU milliseconds per second over {@code settle} seconds of waiting, after 5 s for the tail of what came
     * before (compilation, the last admissions' logging) to end.
     */
    private static double cpuOver(ProcessMemory gateway, int settle) {
        ProcessMemory.sleep(5000);
        double before = gateway.cpuSeconds();
        long start = System.nanoTime();
        ProcessMemory.sleep(settle * 1000L);
        return (gateway.cpuSeconds() - before) * 1000 / ((System.nanoTime() - start) / 1e9);
    }

    private static double perEach(long fromKb, long toKb, int count) {
        return count == 0 ? Double.NaN : (toKb - fromKb) / (double) count;
    }

    private static void row(String state, ProcessMemory.Reading reading, ProcessMemory.Reading from, int count,
            double cpuMsPerSecond) {
        String heapEach = from == null ? "-" : String.format("%.1f", perEach(from.heapUsedKb(), reading.heapUsedKb(),
                count));
        String rssEach = from == null ? "-" : String.format("%.1f", perEach(from.rssKb(), reading.rssKb(), count));
        System.out.printf("%-44s %9.1f %9.1f %8d %6d %14s %14s %11s%n", state, reading.heapUsedKb() / 1024.0,
                reading.rssKb() / 1024.0, reading.threads(), reading.openFiles(), heapEach, rssEach,
                Double.isNaN(cpuMsPerSecond) ? "-" : String.format("%.1f", cpuMsPerSecond));
    }

    private static String host(String hostPort) {
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }
}
