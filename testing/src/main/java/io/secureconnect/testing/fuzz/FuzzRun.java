package io.secureconnect.testing.fuzz;

import java.util.Random;

/**
 * The seed and size of one fuzz run: {@code -Dfuzz.seed=} replays a run (the seed is printed at the start as
 * {@code fuzz seed=...}), {@code -Dfuzz.count=} raises the number of requests from the service's default.
 */
public record FuzzRun(String service, long seed, int count) {

    public static FuzzRun fromSystemProperties(String service, int defaultCount) {
        String seedText = System.getProperty("fuzz.seed", "");
        long seed = seedText.isBlank() ? System.nanoTime() : Long.parseLong(seedText.trim());
        String countText = System.getProperty("fuzz.count", "");
        int count = countText.isBlank() ? defaultCount : Integer.parseInt(countText.trim());
        FuzzRun run = new FuzzRun(service, seed, count);
        System.out.println("fuzz seed=" + seed + " count=" + count + " service=" + service
                + " (replay with -Dfuzz.seed=" + seed + ")");
        return run;
    }

    public HostileInput input() {
        return new HostileInput(new Random(seed));
    }
}
