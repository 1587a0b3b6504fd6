package io.secureconnect.common.identity;

import io.grpc.ServerCall;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds a call's events (messages, half-close, cancel, ...) while its token is being verified asynchronously, then
 * replays them, in order, to the real listener; or drops them when the call is refused.
 */
final class DeferredListener<Q> extends ServerCall.Listener<Q> {

    private List<Consumer<ServerCall.Listener<Q>>> pending = new ArrayList<>();
    private ServerCall.Listener<Q> delegate;
    private boolean dropped;

    /** Replays what arrived so far to {@code listener} and passes everything after straight through. */
    void start(ServerCall.Listener<Q> listener) {
        while (true) {
            List<Consumer<ServerCall.Listener<Q>>> replay;
            synchronized (this) {
                if (pending.isEmpty()) {
                    delegate = listener;
                    pending = null;
                    return;
                }
                replay = pending;
                pending = new ArrayList<>();
            }
            replay.forEach(event -> event.accept(listener));
        }
    }

    /** The call was refused: nothing is ever delivered. */
    synchronized void drop() {
        dropped = true;
        pending = null;
    }

    private void dispatch(Consumer<ServerCall.Listener<Q>> event) {
        ServerCall.Listener<Q> target;
        synchronized (this) {
            if (dropped) {
                return;
            }
            if (delegate == null) {
                pending.add(event);
                return;
            }
            target = delegate;
        }
        event.accept(target);
    }

    @Override
    public void onMessage(Q message) {
        dispatch(listener -> listener.onMessage(message));
    }

    @Override
    public void onHalfClose() {
        dispatch(ServerCall.Listener::onHalfClose);
    }

    @Override
    public void onCancel() {
        dispatch(ServerCall.Listener::onCancel);
    }

    @Override
    public void onComplete() {
        dispatch(ServerCall.Listener::onComplete);
    }

    @Override
    public void onReady() {
        dispatch(ServerCall.Listener::onReady);
    }
}
