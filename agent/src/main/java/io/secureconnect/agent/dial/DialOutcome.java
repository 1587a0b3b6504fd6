package io.secureconnect.agent.dial;

import io.secureconnect.proto.tunnel.v1.DialResult;

/**
 * How a dial ended. Connected: the data connection carries the answer to the gateway (its preamble), nothing goes on
 * the control stream. Failed: the DialResult to send back on the control stream.
 */
public sealed interface DialOutcome {

    Connected CONNECTED = new Connected();

    record Connected() implements DialOutcome {
    }

    record Failed(DialResult result) implements DialOutcome {
    }
}
