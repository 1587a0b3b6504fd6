package io.secureconnect.registry.grpc;

import io.secureconnect.registry.config.RegistryConfig;
import io.secureconnect.registry.event.LeaseEventReader;
import io.secureconnect.registry.event.LeaseEventRecord;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A live stream of one gateway's lease events, by polling the event table on a worker thread. Whatever replica
 * wrote an event, every replica's watchers see it; a poll that is still running makes the next tick skip.
 */
@ApplicationScoped
public class LeaseEventStream {

    @Inject
    LeaseEventReader reader;

    @Inject
    RegistryConfig config;

    Multi<LeaseEventRecord> watch(String gatewayId) {
        return Multi.createFrom().deferred(() -> {
            AtomicReference<LeaseEventReader.Cursor> cursor = new AtomicReference<>(reader.now());
            return Multi.createFrom().ticks().every(config.eventPollInterval())
                    .onOverflow().drop()
                    .emitOn(Infrastructure.getDefaultWorkerPool())
                    .concatMap(tick -> {
                        LeaseEventReader.Batch batch = reader.read(gatewayId, cursor.get());
                        cursor.set(batch.next());
                        List<LeaseEventRecord> events = batch.events();
                        return Multi.createFrom().iterable(events);
                    });
        }).onFailure().transform(e -> e instanceof io.grpc.StatusRuntimeException ? e
                : GrpcCalls.unexpected("WatchLeaseEvents", e));
    }
}
