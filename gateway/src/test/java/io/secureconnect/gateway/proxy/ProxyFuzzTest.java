package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.common.credential.BuildCredentialCodec;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.CapturedLogs;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.TestAgent;
import io.secureconnect.gateway.tls.TlsMaterial;
import io.secureconnect.testing.fuzz.FuzzRun;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on the proxy port (issue 17): seeded generated requests ({@link ProxyInputs}) through the gateway's
 * real proxy pipeline, 100,000 by default in process ({@link EmbeddedProxy}) and a share of them over real sockets to
 * the real listener, plain and inside TLS. Every input must get the right answer (the exact status for a known fault,
 * any refusal for a mangled one, nothing in plain text for TLS garbage), the connection must end (no hang), no buffer
 * may outlive its connection, the gateway's connection counts must return to where they were, and no log line may
 * hold a credential. {@code -Dfuzz.seed=} replays a run, {@code -Dfuzz.count=} sizes it.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class ProxyFuzzTest extends GatewayTestSupport {

    static final int DEFAULT_COUNT = 100_000;
    /** One input in this many also goes over a real socket (then one in four of those inside TLS). */
    static final int SOCKET_SHARE = 40;
    private static final int PORT = 30040;
    private static final int MAX_REPORTED = 15;

    private static ProxyInputs.Credentials credentials(String account) {
        String badSignature = BuildCredentialCodec.sign(new BuildCredential(account, "build_forged", PORT,
                ProxyInputs.ALLOWLIST, Instant.now().plusSeconds(600)), Ed25519Keys.generate().getPrivate());
        return new ProxyInputs.Credentials(Builds.credential(account, PORT, ProxyInputs.ALLOWLIST),
                Builds.credential(account, PORT, ProxyInputs.ALLOWLIST, Duration.ofSeconds(-5)), badSignature,
                "v1.not-a-credential");
    }

    private static <T> T bean(Class<T> type) {
        return Arc.container().instance(type).get();
    }

    @Test
    void answersEveryGeneratedInputInProcessWithTheRightStatusAndLeaksNothing() throws Exception {
        FuzzRun run = FuzzRun.fromSystemProperties("gateway-proxy (in process)", DEFAULT_COUNT);
        String account = Builds.account(); // no agent: an input that passes every check is answered 503
        ProxyInputs.Credentials credentials = credentials(account);
        ProxyInputs inputs = new ProxyInputs(run.input(), credentials, new ClientHellos());
        GatewaySettings settings = bean(GatewaySettings.class);
        long patience = Math.max(settings.headTimeout().toMillis(), settings.idleTimeout().toMillis())
                + LingeringClose.LINGER_MILLIS + 1000;
        EmbeddedProxy proxy = new EmbeddedProxy(bean(ProxyEndpoint.class), TlsMaterial.load(
                fixtures().tls().certificate(), fixtures().tls().key()).raw(), patience);
        Random splits = new Random(run.seed());
        Tally tally = new Tally(run, run.count());
        long started = System.nanoTime();

        try (CapturedLogs logs = new CapturedLogs("io.secureconnect.gateway", List.of(credentials.passing(),
                credentials.expired(), credentials.badSignature()))) {
            for (int i = 0; i < run.count(); i++) {
                ProxyInput input = inputs.next();
                EmbeddedProxy.Outcome outcome = proxy.drive(input, splits);
                tally.count(input, outcome.status());
                if (outcome.escaped() != null) {
                    tally.fail(i, input, "an exception escaped: " + outcome.escaped());
                } else if (!outcome.closed()) {
                    tally.fail(i, input, "the connection was still open after the head deadline and the idle timeout");
                } else if (!input.allows(outcome.status(), 503)) {
                    tally.fail(i, input, "answered " + outcome.status() + ": " + firstLines(outcome.answer()));
                } else if (outcome.unreleased() != 0) {
                    tally.fail(i, input, outcome.unreleased() + " bytes of buffers outlived the connection");
                } else if (outcome.answer().contains(credentials.passing())) {
                    tally.fail(i, input, "the answer echoed the credential");
                }
            }
            assertEquals(List.of(), logs.leaks(), "log lines holding a credential");
            System.out.printf("proxy fuzz (in process): %d inputs in %d ms, %d log lines checked; %s%n", run.count(),
                    (System.nanoTime() - started) / 1_000_000, logs.lines(), tally);
        }
        tally.assertNoFailures();
        assertEquals(0, bean(SourceLimits.class).unauthenticated(InetAddress.getByName("127.0.0.1")),
                "every driven connection left its source's count");
        assertEquals(0, bean(ConnectionCaps.class).openForAccount(account), "every connection left its account's count");
    }

    @Test
    void answersAShareOfThemOverRealSocketsAndReturnsToItsBaseline() throws Exception {
        FuzzRun run = FuzzRun.fromSystemProperties("gateway-proxy (sockets: 1 in " + SOCKET_SHARE + ")",
                DEFAULT_COUNT);
        int count = run.count() / SOCKET_SHARE;
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.REFUSE); // an input that passes every check reaches it: 502, its refusal
        ProxyInputs.Credentials credentials = credentials(account);
        ProxyInputs inputs = new ProxyInputs(run.input(), credentials, new ClientHellos());
        SocketProxy proxy = new SocketProxy(proxyPort(), fixtures().tls().clientContext());
        GatewayMetrics metrics = bean(GatewayMetrics.class);
        await("no connection of an earlier test left", Duration.ofSeconds(10), () -> metrics.openConnections() == 0);
        long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        Tally tally = new Tally(run, count);
        int overTls = 0;
        long started = System.nanoTime();

        try (CapturedLogs logs = new CapturedLogs("io.secureconnect.gateway", List.of(credentials.passing(),
                credentials.expired(), credentials.badSignature()))) {
            for (int i = 0; i < count; i++) {
                ProxyInput input = inputs.next();
                boolean tls = input.complete() && i % 4 == 0;
                overTls += tls ? 1 : 0;
                SocketProxy.Outcome outcome = proxy.send(input, tls);
                tally.count(input, outcome.status());
                boolean answered = outcome.status() != ProxyInput.NO_ANSWER;
                if (outcome.timedOut()) {
                    tally.fail(i, input, "no answer and no close within " + SocketProxy.READ_TIMEOUT_MILLIS + " ms");
                } else if (input.complete() && !answered) {
                    tally.fail(i, input, "a complete head got no answer" + (outcome.reset() ? " (connection reset)" : ""));
                } else if (answered && !input.allows(outcome.status(), 502)
                        && !(!input.complete() && ProxyInput.ANY_REFUSAL.contains(outcome.status()))) {
                    tally.fail(i, input, "answered " + outcome.status() + ": " + firstLines(outcome.answer()));
                } else if (outcome.answer().contains(credentials.passing())) {
                    tally.fail(i, input, "the answer echoed the credential");
                }
            }
            assertEquals(List.of(), logs.leaks(), "log lines holding a credential");
            System.out.printf("proxy fuzz (sockets): %d inputs (%d inside TLS) in %d ms; %s%n", count, overTls,
                    (System.nanoTime() - started) / 1_000_000, tally);
        }
        tally.assertNoFailures();
        await("every connection closed on the gateway's side", Duration.ofSeconds(10),
                () -> metrics.openConnections() == 0);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        await("no connection left in its source's count", Duration.ofSeconds(10),
                () -> bean(SourceLimits.class).unauthenticated(loopback) == 0);
        assertEquals(0, bean(ConnectionCaps.class).openForAccount(account));
        assertEquals(0, pendingDials().size(), "no dial left pending");
        long directAfter = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        System.out.printf("proxy fuzz (sockets): pooled direct memory %d KiB before, %d KiB after%n",
                directBefore / 1024, directAfter / 1024);
        assertTrue(directAfter - directBefore <= 64L * 1024 * 1024, "direct memory bounded: " + directBefore + " -> "
                + directAfter);
    }

    private static String firstLines(String answer) {
        String[] lines = answer.split("\r\n", -1);
        return lines[0] + (answer.contains("\r\n\r\n") ? " / " + answer.substring(answer.indexOf("\r\n\r\n") + 4).trim()
                : "");
    }

    /** Inputs and answers by kind and status, and the first failures, each with the seed that replays it. */
    private static final class Tally {
        private final FuzzRun run;
        private final int count;
        private final Map<String, Integer> kinds = new TreeMap<>();
        private final Map<Integer, Integer> statuses = new TreeMap<>();
        private final List<String> failures = new ArrayList<>();
        private int failed;

        Tally(FuzzRun run, int count) {
            this.run = run;
            this.count = count;
        }

        void count(ProxyInput input, int status) {
            kinds.merge(input.kind().replaceFirst("^mutated .*", "mutated"), 1, Integer::sum);
            statuses.merge(status, 1, Integer::sum);
        }

        void fail(int index, ProxyInput input, String what) {
            failed++;
            if (failures.size() < MAX_REPORTED) {
                failures.add("#" + index + " " + what + "\n    " + input.describe());
            }
        }

        void assertNoFailures() {
            assertTrue(failures.isEmpty(), failed + " of " + count + " inputs failed (replay with -Dfuzz.seed="
                    + run.seed() + "):\n" + String.join("\n", failures));
        }

        @Override
        public String toString() {
            return "answers " + statuses + " (-1: none); kinds " + kinds;
        }
    }
}
