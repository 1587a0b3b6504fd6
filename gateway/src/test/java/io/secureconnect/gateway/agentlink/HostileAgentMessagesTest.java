package io.secureconnect.gateway.agentlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.Status;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.RawAgentStream;
import io.secureconnect.gateway.tunnel.TunnelKey;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DialResult;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import io.secureconnect.proto.tunnel.v1.Draining;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.Heartbeat;
import io.secureconnect.proto.tunnel.v1.Hello;
import io.secureconnect.testing.fuzz.FuzzRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed, oversized, out-of-order and unknown messages on the agent endpoint, before and after admission, sent by a
 * client with no checks of its own ({@link RawAgentStream}). Each gets a clear status, and changes nothing: no key
 * check or lease before admission, and after it the stream's lease is released and its tunnel gone.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class HostileAgentMessagesTest extends GatewayTestSupport {

    private static final int PORT = 30050;
    /** The agent endpoint's maxInboundMessageSize. */
    private static final int MAX_MESSAGE = 64 * 1024;
    private final List<RawAgentStream> streams = new ArrayList<>();

    private RawAgentStream stream(String apiKey) throws Exception {
        RawAgentStream stream = new RawAgentStream(ports().agent(), fixtures().tls(), apiKey);
        streams.add(stream);
        return stream;
    }

    @AfterEach
    void closeStreams() {
        streams.forEach(RawAgentStream::close);
        streams.clear();
    }

    /** A key the fake key-validator knows, for a fresh account. */
    private static String keyFor(String account) {
        String token = "pat." + account + ".key_" + account + "." + UUID.randomUUID();
        fixtures().keys().allow(token, account, "key_" + account);
        return token;
    }

    private static AgentMessage hello(int port, String hostname) {
        return AgentMessage.newBuilder().setHello(Hello.newBuilder().setRemotePort(port)
                .setAgentId(UUID.randomUUID().toString()).setAgentVersion("rogue").setHostname(hostname)).build();
    }

    private static AgentMessage heartbeat(long sequence) {
        return AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder().setSequence(sequence)).build();
    }

    private static boolean nothingLeased(String account) {
        return fixtures().registry().acquisitions().stream().noneMatch(a -> a.getAccountId().equals(account));
    }

    private static boolean tunnelGone(String account) {
        return Arc.container().instance(TunnelManager.class).get().find(new TunnelKey(account, PORT)) == null
                && fixtures().registry().lease(account, PORT) == null;
    }

    /** An admitted stream of a fresh account: its Welcome received. */
    private RawAgentStream admitted(String account) throws Exception {
        RawAgentStream stream = stream(keyFor(account));
        stream.send(hello(PORT, "rogue"));
        assertTrue(stream.awaitMessage(0).hasWelcome(), "admitted: " + stream.received());
        return stream;
    }

    @Test
    void refusesAnOversizedFirstMessageWithResourceExhaustedBeforeAnyKeyCheck() throws Exception {
        String account = Builds.account();
        int checks = fixtures().keys().requests().size();
        RawAgentStream stream = stream(keyFor(account));

        stream.send(hello(PORT, "h".repeat(MAX_MESSAGE + 1)));

        assertEquals(Status.Code.RESOURCE_EXHAUSTED, stream.closed().status().getCode());
        assertEquals(checks, fixtures().keys().requests().size(), "no key check for a message never read");
        assertTrue(nothingLeased(account));
    }

    @Test
    void refusesBytesThatAreNotAnAgentMessageBeforeAnyKeyCheck() throws Exception {
        String account = Builds.account();
        int checks = fixtures().keys().requests().size();
        RawAgentStream stream = stream(keyFor(account));

        stream.send(new byte[] {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1});

        RawAgentStream.Closed closed = stream.closed();
        assertEquals(Status.Code.INVALID_ARGUMENT, closed.status().getCode(), closed.toString());
        assertEquals("MESSAGE_MALFORMED", closed.reason());
        assertEquals(checks, fixtures().keys().requests().size());
        assertTrue(nothingLeased(account));
    }

    @Test
    void refusesEveryOtherKindBeforeHelloWithHelloExpectedAndNoKeyCheck() throws Exception {
        int checks = fixtures().keys().requests().size();
        for (AgentMessage first : List.of(heartbeat(1),
                AgentMessage.newBuilder().setDialResult(DialResult.newBuilder().setConnectionId("c")
                        .setStatus(DialStatus.DIAL_STATUS_CONNECTED)).build(),
                AgentMessage.newBuilder().setDraining(Draining.getDefaultInstance()).build())) {
            RawAgentStream stream = stream(keyFor(Builds.account()));
            stream.send(first);

            RawAgentStream.Closed closed = stream.closed();
            assertEquals(Status.Code.FAILED_PRECONDITION, closed.status().getCode(), first.getKindCase().name());
            assertEquals("HELLO_EXPECTED", closed.reason());
        }
        assertEquals(checks, fixtures().keys().requests().size());
    }

    @Test
    void ignoresUnknownFieldsAndKindsAsTheProtocolSays() throws Exception {
        String account = Builds.account();
        RawAgentStream stream = stream(keyFor(account));
        // Field 15 of Hello and field 99 of AgentMessage: added by some later agent, unknown here.
        byte[] hello = hello(PORT, "rogue").toBuilder().setHello(hello(PORT, "rogue").getHello().toBuilder()
                .setUnknownFields(UnknownFieldSet.newBuilder().addField(15,
                        UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build()))
                .build().toByteArray();
        stream.send(hello);
        assertTrue(stream.awaitMessage(0).hasWelcome(), stream.received().toString());

        stream.send(ByteString.copyFrom(new byte[] {(byte) 0x9a, 0x06, 0x02, 0x08, 0x01}).toByteArray()); // kind 99
        stream.send(heartbeat(42));

        GatewayMessage ack = stream.awaitMessage(1);
        assertEquals(42, ack.getHeartbeatAck().getSequence(), "the unknown kind was skipped, the stream goes on");
        assertFalse(stream.isClosed());
    }

    @Test
    void endsAnAdmittedStreamThatSendsGarbageAndReleasesItsLease() throws Exception {
        String account = Builds.account();
        RawAgentStream stream = admitted(account);
        assertFalse(tunnelGone(account));

        stream.send(new byte[] {(byte) 0xff, (byte) 0xff});

        assertEquals(Status.Code.INVALID_ARGUMENT, stream.closed().status().getCode());
        await("the tunnel closed and its lease was released", Duration.ofSeconds(5), () -> tunnelGone(account));
    }

    @Test
    void endsAnAdmittedStreamThatSendsAnOversizedMessageAndReleasesItsLease() throws Exception {
        String account = Builds.account();
        RawAgentStream stream = admitted(account);

        stream.send(AgentMessage.newBuilder().setDialResult(DialResult.newBuilder().setConnectionId("c")
                .setMessage("m".repeat(MAX_MESSAGE))).build());

        // grpc-java's own limit: once the stream's headers went out (with Welcome), it resets the stream rather than
        // sending RESOURCE_EXHAUSTED in trailers, so the agent sees CANCELLED.
        assertTrue(Set.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED)
                .contains(stream.closed().status().getCode()), stream.closed().toString());
        await("the tunnel closed and its lease was released", Duration.ofSeconds(5), () -> tunnelGone(account));
    }

    @Test
    void refusesASecondHelloWithHelloRepeatedAndKeepsNoTunnel() throws Exception {
        String account = Builds.account();
        RawAgentStream stream = admitted(account);

        stream.send(hello(PORT + 1, "rogue"));

        RawAgentStream.Closed closed = stream.closed();
        assertEquals(Status.Code.FAILED_PRECONDITION, closed.status().getCode());
        assertEquals("HELLO_REPEATED", closed.reason());
        await("the tunnel closed and its lease was released", Duration.ofSeconds(5), () -> tunnelGone(account));
        assertNull(fixtures().registry().lease(account, PORT + 1), "the second Hello's port was never leased");
    }

    /**
     * Seeded random first messages (random bytes, cut and flipped Hellos, oversized ones) from agents with a valid
     * key: each stream ends with a refusal or, when the bytes happen to be a valid Hello, a Welcome; a refused one
     * leaves no lease behind. {@code -Dfuzz.seed=} replays; the count is {@code fuzz.count / 500} (200 by default).
     */
    @Test
    void refusesSeededRandomFirstMessagesAndLeavesNoLeaseBehindARefusal() throws Exception {
        FuzzRun run = FuzzRun.fromSystemProperties("gateway agent endpoint (1 in 500)", 100_000);
        Random random = run.input().random();
        Set<Status.Code> refusals = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED,
                Status.Code.FAILED_PRECONDITION, Status.Code.UNAVAILABLE);
        List<String> failures = new ArrayList<>();
        int welcomed = 0;
        for (int i = 0, n = run.count() / 500; i < n; i++) {
            String account = Builds.account();
            byte[] message = randomFirstMessage(random);
            try (RawAgentStream stream = new RawAgentStream(ports().agent(), fixtures().tls(), keyFor(account))) {
                stream.send(message);
                stream.send(heartbeat(1)); // an admitted stream acks it; anything else ends at the latest now
                RawAgentStream.Closed closed = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                while (!stream.isClosed() && stream.received().stream().noneMatch(GatewayMessage::hasHeartbeatAck)
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                if (stream.received().stream().anyMatch(GatewayMessage::hasHeartbeatAck)) {
                    welcomed++;
                    continue;
                }
                if (!stream.isClosed()) {
                    failures.add("#" + i + " neither refused nor admitted: " + Arrays.toString(head(message)));
                    continue;
                }
                closed = stream.closed();
                if (!refusals.contains(closed.status().getCode()) || closed.reason().isEmpty()
                        && closed.status().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
                    failures.add("#" + i + " ended with " + closed + ": " + Arrays.toString(head(message)));
                }
            }
            if (!nothingLeased(account)) {
                await("a refused or closed stream's lease released", Duration.ofSeconds(5), () -> tunnelGone(account));
            }
        }
        System.out.printf("agent endpoint fuzz: %d first messages, %d happened to be a valid Hello%n",
                run.count() / 500, welcomed);
        assertTrue(failures.isEmpty(), "replay with -Dfuzz.seed=" + run.seed() + ":\n" + String.join("\n", failures));
    }

    private static byte[] randomFirstMessage(Random random) {
        byte[] hello = hello(PORT, "rogue-" + random.nextInt(1000)).toByteArray();
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] bytes = new byte[1 + random.nextInt(200)];
                random.nextBytes(bytes);
                return bytes;
            }
            case 1 -> {
                return Arrays.copyOf(hello, 1 + random.nextInt(hello.length - 1));
            }
            case 2 -> {
                byte[] bytes = hello.clone();
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                return bytes;
            }
            default -> {
                return hello(PORT, "h".repeat(MAX_MESSAGE + random.nextInt(MAX_MESSAGE))).toByteArray();
            }
        }
    }

    private static byte[] head(byte[] message) {
        return Arrays.copyOf(message, Math.min(message.length, 24));
    }
}
