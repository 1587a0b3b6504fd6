package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The status each malformed head gets, decoded by the decoder the proxy installs (with its limits). */
class HeadChecksTest {

    private static HeadChecks.Fault check(String head) {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(ProxyEndpoint.MAX_INITIAL_LINE,
                ProxyEndpoint.MAX_HEADERS, ProxyEndpoint.MAX_CHUNK));
        channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
        HttpRequest request = channel.readInbound();
        channel.finishAndReleaseAll();
        return HeadChecks.check(request);
    }

    private static String connect(String headers) {
        return "CONNECT git.myorg.com:443 HTTP/1.1\r\nHost: git.myorg.com:443\r\n" + headers + "\r\n";
    }

    @Test
    void passesAnOrdinaryConnectHead() {
        assertNull(check(connect("Proxy-Authorization: Basic eDp5\r\n")));
    }

    @Test
    void answers414ToARequestLineOverItsLimit() {
        HeadChecks.Fault fault = check("GET http://git.myorg.com/" + "a".repeat(ProxyEndpoint.MAX_INITIAL_LINE)
                + " HTTP/1.1\r\n\r\n");
        assertEquals(414, fault.status());
        assertEquals("PROXY_REQUEST_LINE_TOO_LONG", fault.reason());
    }

    @Test
    void answers431ToHeadersOverTheirLimit() {
        HeadChecks.Fault fault = check(connect("X-Big: " + "b".repeat(ProxyEndpoint.MAX_HEADERS) + "\r\n"));
        assertEquals(431, fault.status());
        assertEquals("the request headers are larger than 32 KiB", fault.message());
    }

    @Test
    void answers400ToANulInAHeader() {
        assertEquals(400, check(connect("X-Nul: a\0b\r\n")).status());
    }

    @Test
    void refusesARepeatedHostOrProxyAuthorizationWith400() {
        assertEquals("send one Host header", check(connect("Host: evil.example\r\n")).message());
        assertEquals("send one Proxy-Authorization header",
                check(connect("Proxy-Authorization: Basic eDp5\r\nProxy-Authorization: Basic eDp6\r\n")).message());
    }

    @Test
    void refusesATransferEncodingThatDoesNotEndInChunkedOnceWith400() {
        for (String coding : new String[] {"gzip", "chunked, gzip", "chunked, chunked", "identity"}) {
            HeadChecks.Fault fault = check(connect("Transfer-Encoding: " + coding + "\r\n"));
            assertEquals(400, fault == null ? 0 : fault.status(), coding); // Netty itself refuses some of them
        }
        for (String coding : new String[] {"gzip", "chunked, chunked", "identity"}) {
            assertEquals("PROXY_BAD_TRANSFER_ENCODING", check(connect("Transfer-Encoding: " + coding + "\r\n"))
                    .reason(), coding);
        }
        assertNull(check(connect("Transfer-Encoding: gzip, chunked\r\n")));
    }
}
