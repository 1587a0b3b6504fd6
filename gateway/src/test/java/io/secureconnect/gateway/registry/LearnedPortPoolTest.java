package io.secureconnect.gateway.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.proto.tunnelregistry.v1.PortRange;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The gateway's only knowledge of the port range is what tunnel-registry tells it. */
class LearnedPortPoolTest {

    private static final List<Integer> DEFAULT_LISTENERS = IntStream.rangeClosed(30000, 30099).boxed().toList();

    private static PortRange range(int first, int last) {
        return PortRange.newBuilder().setFirst(first).setLast(last).build();
    }

    @Test
    void knowsNoPoolUntilTheRegistryNamesOne() {
        LearnedPortPool learned = new LearnedPortPool(DEFAULT_LISTENERS);
        assertEquals(Optional.empty(), learned.current());
        learned.learn(false, PortRange.getDefaultInstance());
        assertEquals(Optional.empty(), learned.current(), "an older registry names no pool: AcquireLease judges");
    }

    @Test
    void learnsThePoolAndAChangeOfIt() {
        LearnedPortPool learned = new LearnedPortPool(List.of(0));
        learned.learn(true, range(30000, 30099));
        assertEquals(Optional.of(new PortPool(30000, 30099)), learned.current());

        learned.learn(true, range(31000, 31009));

        PortPool now = learned.current().orElseThrow();
        assertTrue(now.contains(31000) && now.contains(31009));
        assertFalse(now.contains(30999) || now.contains(31010) || now.contains(30000));
        assertEquals("must be an integer from 31000 to 31009", now.rule());
    }

    @Test
    void keepsWhatItKnewWhenTheRegistryNamesAnImpossiblePool() {
        LearnedPortPool learned = new LearnedPortPool(List.of(0));
        learned.learn(true, range(31000, 31009));
        for (PortRange bad : List.of(range(0, 10), range(31009, 31000), range(65000, 65536), range(-1, 5))) {
            learned.learn(true, bad);
            assertEquals(Optional.of(new PortPool(31000, 31009)), learned.current(), bad.toString());
        }
        learned.learn(false, PortRange.getDefaultInstance());
        assertEquals(Optional.of(new PortPool(31000, 31009)), learned.current(), "an answer without a pool");
    }

    @Test
    void namesBothSettingsAndTheUnservedPortsWhenTheListenersDoNotCoverThePool() {
        LearnedPortPool learned = new LearnedPortPool(List.of(31000, 31001, 31002, 31005));

        String problem = learned.learn(true, range(31000, 31009)).orElseThrow();

        assertTrue(problem.contains("secureconnect.gateway.proxy-ports"), problem);
        assertTrue(problem.contains("secureconnect.registry.ports.first/last"), problem);
        assertTrue(problem.contains("31000-31009"), problem);
        assertTrue(problem.contains("no proxy listener on 31003-31004,31006-31009;"), problem);
        assertEquals(Optional.empty(), learned.learn(true, range(31000, 31009)), "said once per pool, not per beat");
    }

    @Test
    void saysNothingWhenTheListenersCoverThePoolOrAreEphemeral() {
        assertEquals(Optional.empty(), new LearnedPortPool(DEFAULT_LISTENERS).learn(true, range(30000, 30099)));
        assertEquals(Optional.empty(), new LearnedPortPool(DEFAULT_LISTENERS).learn(true, range(30010, 30019)));
        assertEquals(Optional.empty(), new LearnedPortPool(List.of(0)).learn(true, range(31000, 31009)),
                "one ephemeral listener (tests) is not compared");
        assertTrue(new LearnedPortPool(DEFAULT_LISTENERS).learn(true, range(31000, 31009)).isPresent(),
                "the default listeners do not cover a moved pool");
    }
}
