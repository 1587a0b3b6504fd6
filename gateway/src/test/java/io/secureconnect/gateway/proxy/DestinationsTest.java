package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The allowlist rules of a build credential, and the parsing of proxy request targets. */
class DestinationsTest {

    private static boolean allowed(List<String> entries, String authority) {
        return Destinations.allows(entries, HostPort.parse(authority, 443));
    }

    @Test
    void matchesHostAndPortExactlyAndHostAloneOnAnyPort() {
        List<String> entries = List.of("bitbucket.myorg.com:443", "nexus.myorg.com");
        assertTrue(allowed(entries, "bitbucket.myorg.com:443"));
        assertTrue(allowed(entries, "BitBucket.MyOrg.com:443"));
        assertFalse(allowed(entries, "bitbucket.myorg.com:8443"));
        assertTrue(allowed(entries, "nexus.myorg.com:8081"));
        assertFalse(allowed(entries, "evil.com:443"));
    }

    @Test
    void matchesWildcardsOnSubdomainsOnly() {
        List<String> entries = List.of("*.corp.example", "*.git.example:22");
        assertTrue(allowed(entries, "a.corp.example:443"));
        assertTrue(allowed(entries, "a.b.corp.example:80"));
        assertFalse(allowed(entries, "corp.example:443"));
        assertFalse(allowed(entries, "evilcorp.example:443"));
        assertTrue(allowed(entries, "x.git.example:22"));
        assertFalse(allowed(entries, "x.git.example:443"));
    }

    @Test
    void matchesIpv6Literals() {
        assertTrue(allowed(List.of("[::1]:443"), "[::1]:443"));
        assertFalse(allowed(List.of("[::1]:443"), "[::1]:80"));
    }

    @Test
    void parsesAuthoritiesAndRefusesNonsense() {
        assertEquals(new HostPort("example.com", 8080), HostPort.parse("Example.com:8080", 80));
        assertEquals(new HostPort("example.com", 80), HostPort.parse("example.com", 80));
        assertNull(HostPort.parse("example.com", -1), "CONNECT needs a port");
        assertNull(HostPort.parse("example.com:0", 80));
        assertNull(HostPort.parse("example.com:99999", 80));
        assertNull(HostPort.parse("a:b:c", 80));
        assertNull(HostPort.parse("", 80));
    }

    @Test
    void rewritesAnAbsoluteUriRequestToOriginFormWithoutHopByHopHeaders() {
        ForwardedRequest.Target target = ForwardedRequest.parse("http://user@Example.com:8080/a/b?c=d#frag");
        assertEquals(new HostPort("example.com", 8080), target.target());
        assertEquals("/a/b?c=d", target.originForm());
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://example.com/x");
        request.headers().add("Proxy-Authorization", "Basic secret").add("Proxy-Connection", "keep-alive")
                .add("Connection", "keep-alive, X-Private").add("X-Private", "1").add("Keep-Alive", "5")
                .add("Transfer-Encoding", "chunked").add("Accept", "*/*");

        ForwardedRequest.rewrite(request, target);

        assertEquals("/a/b?c=d", request.uri());
        assertEquals(List.of("transfer-encoding", "accept", "host"),
                request.headers().entries().stream().map(e -> e.getKey().toLowerCase()).toList());
        assertEquals("Example.com:8080", request.headers().get("Host"));
        assertEquals("/", ForwardedRequest.parse("http://example.com").originForm());
        assertEquals("/?q", ForwardedRequest.parse("http://example.com?q").originForm());
        assertNull(ForwardedRequest.parse("https://example.com/"));
        assertNull(ForwardedRequest.parse("/relative"));
    }
}
