package io.secureconnect.e2e.load;

import io.secureconnect.e2e.fixture.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Lowers the scheduling priority of the calling thread (Linux: nice applies per thread, and threads it starts inherit
 * it). The load's 1,000 client threads and the payload server's 1,000 run at nice 10: the kernel shares the CPU per
 * thread, and on 2 cores they would otherwise starve the few event-loop threads of the gateway and the agents they are
 * measuring, whose dials then miss the gateway's 10 s dial timeout for want of CPU, not of anything the product does.
 */
final class Nice {

    static final int LOAD_GENERATORS = 10;

    private Nice() {
    }

    /** Renices the calling thread, which must have a name unique in this JVM (its native name, up to 15 chars). */
    static void currentThread(int niceness) {
        String name = Thread.currentThread().getName();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            Path task = tasks.filter(t -> comm(t).equals(name)).findFirst().orElseThrow(() ->
                    new IllegalStateException("no native thread named " + name));
            Shell.ok("renice", "-n", String.valueOf(niceness), "-p", task.getFileName().toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
