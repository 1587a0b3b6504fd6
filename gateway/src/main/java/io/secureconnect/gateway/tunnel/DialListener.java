package io.secureconnect.gateway.tunnel;

import io.netty.channel.Channel;

/** The proxy side of a dial. Called at most once, on any thread: implementations hop to their own event loop. */
public interface DialListener {

    /**
     * The agent's data connection arrived. It does not read yet (auto-read off); the listener wires the relay and
     * turns reading on.
     */
    void connected(Channel data);

    /**
     * The dial failed.
     *
     * @param httpStatus 502 (agent could not dial), 503 (no agent), 504 (deadline)
     * @param reason stable reason for metrics and logs
     * @param message for people; sent in the response body, never holds a secret
     */
    void failed(int httpStatus, String reason, String message);
}
