package io.secureconnect.registry;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.channel;
import static io.secureconnect.registry.Fixtures.expire;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.registry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEvent;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEventType;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.proto.tunnelregistry.v1.WatchLeaseEventsRequest;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** WatchLeaseEvents streams every change of a gateway's leases, whoever made it, and nothing of other gateways. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class LeaseEventsTest {

    @Inject
    DataSource db;

    /** Collects a stream's events and its end. */
    static final class Watcher implements StreamObserver<LeaseEvent> {
        final BlockingQueue<LeaseEvent> events = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();
        final Context.CancellableContext context = Context.current().withCancellation();

        static Watcher of(String gatewayId) {
            Watcher watcher = new Watcher();
            watcher.context.run(() -> TunnelRegistryGrpc.newStub(channel()).watchLeaseEvents(
                    WatchLeaseEventsRequest.newBuilder().setGatewayId(gatewayId).build(), watcher));
            return watcher;
        }

        LeaseEvent next() throws InterruptedException {
            LeaseEvent event = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "no event within 10 s");
            return event;
        }

        @Override
        public void onNext(LeaseEvent event) {
            events.add(event);
        }

        @Override
        public void onError(Throwable t) {
            ended.add(t);
        }

        @Override
        public void onCompleted() {
            ended.add(new IllegalStateException("completed"));
        }
    }

    @Test
    void streamsAcquiredReleasedForceReleasedExpiredAndSupersededForItsOwnGateway() throws Exception {
        String account = account();
        String gw = gateway();
        String other = gateway();
        Watcher watcher = Watcher.of(gw);
        Watcher otherWatcher = Watcher.of(other);
        try {
            Thread.sleep(500); // the stream starts "from now"
            Lease first = acquire(account, 30040, "key1", gw).getLease();
            assertEvent(watcher.next(), LeaseEventType.LEASE_EVENT_TYPE_ACQUIRED, first.getEpoch());
            registry().releaseLease(ReleaseLeaseRequest.newBuilder().setAccountId(account).setPort(30040)
                    .setEpoch(first.getEpoch()).setGatewayId(gw).build());
            assertEvent(watcher.next(), LeaseEventType.LEASE_EVENT_TYPE_RELEASED, first.getEpoch());

            Lease second = acquire(account, 30041, "key2", gw).getLease();
            assertEvent(watcher.next(), LeaseEventType.LEASE_EVENT_TYPE_ACQUIRED, second.getEpoch());
            given().header("x-api-key", TestKeyValidator.token(account, "admin", "manage"))
                    .queryParam("accountIdentifier", account)
                    .when().delete("/api/v1/tunnels/30041/lease").then().statusCode(204);
            assertEvent(watcher.next(), LeaseEventType.LEASE_EVENT_TYPE_FORCE_RELEASED, second.getEpoch());

            Lease third = acquire(account, 30042, "key3", gw).getLease();
            assertEvent(watcher.next(), LeaseEventType.LEASE_EVENT_TYPE_ACQUIRED, third.getEpoch());
            expire(db, account, 30042, 1);
            assertEvent(watcher.next(), LeaseEventType.LEASE_EVENT_TYPE_EXPIRED, third.getEpoch());

            Lease fourth = acquire(account, 30043, "key4", gw).getLease();
            assertEvent(watcher.next(), LeaseEventType.LEASE_EVENT_TYPE_ACQUIRED, fourth.getEpoch());
            Lease moved = acquire(account, 30043, "key4", other).getLease();
            LeaseEvent superseded = watcher.next();
            assertEvent(superseded, LeaseEventType.LEASE_EVENT_TYPE_SUPERSEDED, fourth.getEpoch());
            assertEquals(30043, superseded.getLease().getPort());
            assertEquals(account, superseded.getLease().getAccountId());

            assertEvent(otherWatcher.next(), LeaseEventType.LEASE_EVENT_TYPE_ACQUIRED, moved.getEpoch());
            assertNull(otherWatcher.events.poll(1, TimeUnit.SECONDS), "the other gateway sees only its own lease");
            assertNull(watcher.events.poll(1, TimeUnit.SECONDS), "nothing else happened on this gateway");
            assertTrue(watcher.ended.isEmpty(), "the stream is still open: " + watcher.ended);
        } finally {
            watcher.context.cancel(null);
            otherWatcher.context.cancel(null);
        }
    }

    @Test
    void refusesToWatchAnUnknownGateway() throws InterruptedException {
        Watcher watcher = Watcher.of("gw-never-registered");
        Throwable end = watcher.ended.poll(10, TimeUnit.SECONDS);
        assertNotNull(end);
        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(end).getCode());
        assertEquals("UNKNOWN_GATEWAY", GrpcFailure.reason(end).orElse(null));
    }

    private static void assertEvent(LeaseEvent event, LeaseEventType type, long epoch) {
        assertEquals(type, event.getType());
        assertEquals(epoch, event.getLease().getEpoch());
        assertTrue(event.hasAt());
    }
}
