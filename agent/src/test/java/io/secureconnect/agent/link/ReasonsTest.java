package io.secureconnect.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import org.junit.jupiter.api.Test;

/** The one line an agent logs when a gateway ends its stream, e.g. after refusing its REMOTE_PORT. */
class ReasonsTest {

    private final Redactor redactor = new Redactor("sat.acct.key.SeCrEt");

    @Test
    void aRefusedPortReadsAsTheGatewaysMessageNamingThePool() {
        Goodbye refused = Goodbye.newBuilder().setMessage(
                "remote_port=30000: must be an integer from 31000 to 31009 (tunnel-registry's port pool)").build();
        assertEquals("remote_port=30000: must be an integer from 31000 to 31009 (tunnel-registry's port pool)",
                Reasons.of(refused, redactor));
    }

    @Test
    void aGoodbyeWithAReasonKeepsIt() {
        assertEquals("PORT_HELD: port 30001 is held by another key", Reasons.of(Goodbye.newBuilder()
                .setReason(GoodbyeReason.GOODBYE_REASON_PORT_HELD).setMessage("port 30001 is held by another key")
                .build(), redactor));
        assertEquals("KEY_REVOKED", Reasons.of(Goodbye.newBuilder()
                .setReason(GoodbyeReason.GOODBYE_REASON_KEY_REVOKED).build(), redactor));
        assertEquals("UNSPECIFIED", Reasons.of(Goodbye.getDefaultInstance(), redactor));
    }
}
