package io.secureconnect.keyvalidator.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.secureconnect.keyvalidator.revocation.RevocationRow;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One WatchRevocations stream: live events are buffered while the replay is read, then the replay is sent and
 * the buffer after it, each event once and in sequence order. Every send holds this object's lock, so the stream
 * sees one writer at a time.
 */
final class RevocationWatch {

    private final ServerCallStreamObserver<RevocationEvent> stream;
    private final List<RevocationRow> buffered = new ArrayList<>();
    private boolean replaying = true;
    private boolean closed;
    private long lastSent;

    RevocationWatch(ServerCallStreamObserver<RevocationEvent> stream) {
        this.stream = stream;
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

    /** The caller went away: nothing more is sent. */
    synchronized void close() {
        closed = true;
        buffered.clear();
    }

    /** Ends the stream with an error (the replay could not be read). */
    synchronized void fail(RuntimeException error) {
        if (!closed) {
            closed = true;
            stream.onError(error);
        }
    }

    private void send(List<RevocationRow> rows) {
        for (RevocationRow row : rows) {
            if (closed || stream.isCancelled()) {
                return;
            }
            if (row.sequence() > lastSent) {
                lastSent = row.sequence();
                stream.onNext(ProtoMapper.event(row));
            }
        }
    }
}
