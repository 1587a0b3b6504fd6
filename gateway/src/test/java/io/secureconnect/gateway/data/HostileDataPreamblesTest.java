package io.secureconnect.gateway.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.TestAgent;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.Welcome;
import io.secureconnect.testing.fuzz.FuzzRun;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * Malformed, oversized and unknown preambles on the data endpoint (raw TLS, 4-byte length then a DataPreamble of at
 * most 1 KiB): the gateway closes the connection having written nothing, claims no pending dial and parks nothing. A
 * close is this endpoint's whole refusal: it has no status to tell, and the agent's control stream says the rest.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class HostileDataPreamblesTest extends GatewayTestSupport {

    private static final int PORT = 30060;

    private static DataPools pools() {
        return Arc.container().instance(DataPools.class).get();
    }

    /** What the gateway did with these bytes: wrote nothing and closed, or what it wrote. */
    private static String send(byte[] bytes) throws Exception {
        try (SSLSocket data = (SSLSocket) fixtures().tls().clientContext().getSocketFactory()
                .createSocket("127.0.0.1", ports().data())) {
            data.setSoTimeout(15_000); // past the 5 s preamble deadline: a bound on waiting, not a speed
            data.startHandshake();
            try {
                data.getOutputStream().write(bytes);
                data.getOutputStream().flush();
            } catch (IOException e) {
                // closed while we wrote: what it said is read below
            }
            InputStream in = data.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                for (int b; (b = in.read()) >= 0; ) {
                    got.write(b);
                }
            } catch (SocketTimeoutException e) {
                return "still open after 15 s, wrote " + got.size() + " bytes";
            } catch (IOException e) {
                // reset: closed with our bytes unread
            }
            return got.size() == 0 ? "closed" : "wrote " + got.size() + " bytes";
        }
    }

    private static byte[] framed(int length, byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DataOutputStream(out).writeInt(length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] framed(DataPreamble preamble) throws IOException {
        byte[] body = preamble.toByteArray();
        return framed(body.length, body);
    }

    @Test
    void closesAConnectionWhosePreambleLengthIsZeroNegativeOrOverOneKiB() throws Exception {
        for (int length : new int[] {0, -1, PreambleDecoder.MAX_PREAMBLE + 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertEquals("closed", send(framed(length, new byte[64])), "length " + length);
        }
        assertEquals("closed", send(framed(64 * 1024 * 1024, new byte[256 * 1024])), "a 64 MiB preamble announced");
    }

    @Test
    void closesAConnectionWhosePreambleIsNotADataPreamble() throws Exception {
        byte[] garbage = {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        assertEquals("closed", send(framed(garbage.length, garbage)));
    }

    @Test
    void closesAPreambleWithUnknownFieldsThatNamesNoPendingDial() throws Exception {
        int pending = pendingDials().size();
        DataPreamble preamble = DataPreamble.newBuilder().setTunnelId("tun_x").setConnectionId("made-up")
                .setTicket(ByteString.copyFrom(new byte[16])).setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();

        assertEquals("closed", send(framed(preamble)));
        assertEquals(pending, pendingDials().size());
    }

    @Test
    void closesAParkingPreambleWithAWrongTicketAndParksNothing() throws Exception {
        TestAgent agent = agent(Builds.account(), PORT, TestAgent.Mode.PARKED);
        Welcome welcome = agent.welcome();
        int parked = pools().parked();

        byte[] wrong = welcome.getDataPool().getTicket().toByteArray();
        wrong[0] ^= 1;
        assertEquals("closed", send(framed(DataPreamble.newBuilder().setTunnelId(welcome.getTunnelId())
                .setConnectionId(welcome.getDataPool().getPoolId()).setTicket(ByteString.copyFrom(wrong))
                .setPark(true).build())));
        assertEquals("closed", send(framed(DataPreamble.newBuilder().setTunnelId("tun_other")
                .setConnectionId(welcome.getDataPool().getPoolId()).setTicket(welcome.getDataPool().getTicket())
                .setPark(true).build())), "the right ticket for another tunnel");
        assertEquals(parked, pools().parked());
    }

    /**
     * Seeded random preambles: random bytes under a valid length, lengths out of range, and a few large bodies; each
     * connection is closed with nothing written and nothing claimed or parked. {@code -Dfuzz.seed=} replays; the count
     * is {@code fuzz.count / 500} (200 by default).
     */
    @Test
    void closesSeededRandomPreamblesAndChangesNothing() throws Exception {
        FuzzRun run = FuzzRun.fromSystemProperties("gateway data endpoint (1 in 500)", 100_000);
        Random random = run.input().random();
        int pending = pendingDials().size();
        int parked = pools().parked();
        List<String> failures = new ArrayList<>();
        for (int i = 0, n = run.count() / 500; i < n; i++) {
            byte[] bytes = switch (random.nextInt(3)) {
                case 0 -> {
                    byte[] body = new byte[1 + random.nextInt(PreambleDecoder.MAX_PREAMBLE)];
                    random.nextBytes(body);
                    yield framed(body.length, body);
                }
                case 1 -> {
                    int length = random.nextBoolean() ? -1 - random.nextInt(Integer.MAX_VALUE)
                            : PreambleDecoder.MAX_PREAMBLE + 1 + random.nextInt(Integer.MAX_VALUE - 2048);
                    yield framed(length, new byte[random.nextInt(100)]);
                }
                default -> {
                    byte[] big = new byte[64 * 1024 + random.nextInt(512 * 1024)];
                    random.nextBytes(big);
                    yield big;
                }
            };
            String outcome = send(bytes);
            if (!outcome.equals("closed")) {
                failures.add("#" + i + " " + outcome + " (" + bytes.length + " bytes)");
            }
        }
        System.out.printf("data endpoint fuzz: %d preambles%n", run.count() / 500);
        assertTrue(failures.isEmpty(), "replay with -Dfuzz.seed=" + run.seed() + ":\n" + String.join("\n", failures));
        assertEquals(pending, pendingDials().size(), "no pending dial claimed");
        assertEquals(parked, pools().parked(), "nothing parked");
    }
}
