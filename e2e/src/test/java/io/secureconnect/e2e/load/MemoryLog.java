package io.secureconnect.e2e.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The gateway's and the agents' memory over a run, one row per moment (before the load, every ~10 s of it, right
 * after, settled), so that the report shows and the test can compare the same process at two moments. The agents are
 * shown summed and as the largest one, so that the table stays one line per moment however many tunnels there are.
 */
final class MemoryLog {

    private static final double MB = 1024 * 1024;

    private final ProcessMemory gateway;
    private final List<ProcessMemory> agents;
    private final List<Row> rows = new ArrayList<>();
    private final ExecutorService sampler = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "memory-sampler");
        thread.setDaemon(true);
        return thread;
    });

    /** One moment: each process's sample by name. */
    record Row(String moment, Map<String, ProcessMemory.Sample> samples) {
    }

    MemoryLog(ProcessMemory gateway, List<ProcessMemory> agents) {
        this.gateway = gateway;
        this.agents = List.copyOf(agents);
    }

    /**
     * Samples every process now (a full GC in each first) and keeps the row under {@code moment}. The processes are
     * sampled at once, so that a row is one moment even when the busy machine makes each jcmd take seconds.
     */
    Row sample(String moment) {
        List<ProcessMemory> all = new ArrayList<>(List.of(gateway));
        all.addAll(agents);
        List<CompletableFuture<ProcessMemory.Sample>> pending = all.stream()
                .map(process -> CompletableFuture.supplyAsync(process::sample, sampler)).toList();
        Map<String, ProcessMemory.Sample> samples = new LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            samples.put(all.get(i).name(), pending.get(i).join());
        }
        Row row = new Row(moment, samples);
        rows.add(row);
        return row;
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String gatewayName() {
        return gateway.name();
    }

    List<String> agentNames() {
        return agents.stream().map(ProcessMemory::name).toList();
    }

    /** The table: heap after GC and RSS in MB, of the gateway, the agents summed and the largest agent. */
    String table() {
        StringBuilder text = new StringBuilder(String.format("%-14s | %-21s | %-21s | %-21s%n", "moment",
                "gateway heap / RSS", "agents (sum) heap/RSS", "agent (max) heap/RSS"));
        for (Row row : rows) {
            ProcessMemory.Sample gatewaySample = row.samples().get(gateway.name());
            long heapSum = 0;
            long rssSum = 0;
            long heapMax = 0;
            long rssMax = 0;
            for (ProcessMemory agent : agents) {
                ProcessMemory.Sample sample = row.samples().get(agent.name());
                heapSum += sample.heapAfterGc();
                rssSum += sample.rss();
                heapMax = Math.max(heapMax, sample.heapAfterGc());
                rssMax = Math.max(rssMax, sample.rss());
            }
            text.append(String.format("%-14s | %8.1f / %8.1f MB | %8.1f / %8.1f MB | %8.1f / %8.1f MB%n",
                    row.moment(), gatewaySample.heapAfterGc() / MB, gatewaySample.rss() / MB, heapSum / MB,
                    rssSum / MB, heapMax / MB, rssMax / MB));
        }
        return text.toString();
    }
}
