package io.secureconnect.keyvalidator.grpc;

import io.secureconnect.keyvalidator.revocation.RevocationRow;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.ArrayList;
import java.util.List;

/**
 * One WatchRevocations stream: live events are buffered while the replay is read, then the replay is sent and
 * the buffer after it, each event once and in sequence order.
 */
final class RevocationWatch {

    private final MultiEmitter<? super RevocationEvent> emitter;
    private final List<RevocationRow> buffered = new ArrayList<>();
    private boolean replaying = true;
    private long lastSent;

    RevocationWatch(MultiEmitter<? super RevocationEvent> emitter) {
        this.emitter = emitter;
    }

    synchronized void live(List<RevocationRow> rows) {
        if (replaying) {
            buffered.addAll(rows);
        } else {
            send(rows);
        }
    }

    synchronized void replayed(List<RevocationRow> rows) {
        send(rows);
        send(buffered);
        buffered.clear();
        replaying = false;
    }

    private void send(List<RevocationRow> rows) {
        for (RevocationRow row : rows) {
            if (row.sequence() > lastSent && !emitter.isCancelled()) {
                lastSent = row.sequence();
                emitter.emit(ProtoMapper.event(row));
            }
        }
    }
}
