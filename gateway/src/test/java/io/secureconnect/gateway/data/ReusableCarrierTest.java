package io.secureconnect.gateway.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.quarkus.runtime.configuration.DurationConverter;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.gateway.config.GatewayConfig;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.gateway.support.TestTls;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's side of a parked reusable data connection, without a network: its idle deadline lives only as long as
 * the connection (TunnelLoadIT found closed connections held by their timers for the pool's whole idle timeout).
 */
class ReusableCarrierTest {

    @TempDir
    Path dir;

    @Test
    void aParkedConnectionThatClosesCancelsItsIdleDeadline() throws Exception {
        GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());
        ReusableCarrier side = new ReusableCarrier(pools(metrics), null, null, metrics);
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().firstContext();
        channel.pipeline().addLast("carrier", side.install(ctx));
        assertTrue(channel.runScheduledPendingTasks() > 0, "parked: the idle deadline is armed");

        channel.pipeline().close().sync(); // not EmbeddedChannel.close(), which cancels every timer itself

        assertEquals(-1, channel.runScheduledPendingTasks(), "closed: no timer left holding the connection");
    }

    /** The pools with the default settings (2 min idle timeout), which check the TLS and key files they name. */
    private DataPools pools(GatewayMetrics metrics) throws Exception {
        TestTls tls = TestTls.create(dir);
        Path verifyKey = Files.writeString(dir.resolve("verify.pem"),
                Ed25519Keys.pem(Ed25519Keys.generate().getPublic()));
        GatewayConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(Map.of("secureconnect.gateway.tls.certificate", tls.certificate().toString(),
                        "secureconnect.gateway.tls.key", tls.key().toString(),
                        "secureconnect.gateway.credential-verify-key", verifyKey.toString()))
                .build().getConfigMapping(GatewayConfig.class);
        return new DataPools(new GatewaySettings(config), metrics);
    }
}
