package io.secureconnect.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One generated input for the proxy port and what the gateway must do with it.
 *
 * @param kind what the generator made (for the failure report and the per-kind tally)
 * @param bytes what the client sends, all of it
 * @param expected the statuses the gateway may answer with: {@link #PASSED} for "every check passed, the tunnel
 *         decides" (503 with no agent, the agent's answer with one), {@link #NO_ANSWER} for a TLS client that gets no
 *         plain-text answer at all
 * @param complete whether the bytes hold a whole request head (else the answer is 408 at the head deadline, or none
 *         once the client hangs up)
 */
record ProxyInput(String kind, byte[] bytes, Set<Integer> expected, boolean complete) {

    static final int PASSED = 0;
    static final int NO_ANSWER = -1;
    /** Every answer a hostile input may get: the refusals, and PASSED for one whose mutation left it valid. */
    static final Set<Integer> ANY_REFUSAL = Set.of(400, 403, 407, 408, 414, 431, PASSED);

    static ProxyInput exactly(String kind, byte[] bytes, int status) {
        return new ProxyInput(kind, bytes, Set.of(status), true);
    }

    /** The real status for {@link #PASSED}, given what serves the credential's account in this run. */
    boolean allows(int status, int passedStatus) {
        return expected.contains(status) || (status == passedStatus && expected.contains(PASSED));
    }

    String describe() {
        String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1)
                .replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
        return kind + " (" + bytes.length + " bytes, expected " + expected + "): " + text
                + (bytes.length > 300 ? "..." : "");
    }
}
