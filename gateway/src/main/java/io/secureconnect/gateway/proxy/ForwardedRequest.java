package io.secureconnect.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;

/** An absolute-URI request ({@code GET http://host/path}) turned into what the origin expects. */
final class ForwardedRequest {

    private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.PROXY_AUTHORIZATION,
            "proxy-connection", HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_AUTHENTICATE);

    /** @param target where it goes; @param originForm path and query; @param authority the Host to send */
    record Target(HostPort target, String originForm, String authority) {
    }

    private ForwardedRequest() {
    }

    /** Parses {@code http://authority/path?query}; null when the URI is not an absolute http URI. */
    static Target parse(String uri) {
        if (uri.length() < 8 || !uri.regionMatches(true, 0, "http://", 0, 7)) {
            return null;
        }
        int pathStart = uri.length();
        for (int i = 7; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                pathStart = i;
                break;
            }
        }
        String authority = uri.substring(7, pathStart);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        HostPort target = HostPort.parse(authority, 80);
        if (target == null) {
            return null;
        }
        String path = uri.substring(pathStart);
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        if (path.isEmpty() || path.charAt(0) != '/') {
            path = "/" + path;
        }
        return new Target(target, path, authority);
    }

    /**
     * Origin-form URI, no proxy credential, no hop-by-hop headers (nor those Connection names), and Host set to the
     * URI's authority whatever the client sent (RFC 9112, 3.2.2): the allowlist was checked against the URI, so a Host
     * naming another site must not reach a name-based virtual host or reverse proxy at the allowed address.
     */
    static void rewrite(HttpRequest request, Target target) {
        request.setUri(target.originForm());
        HttpHeaders headers = request.headers();
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String name : connection.split(",")) {
                String trimmed = name.trim();
                if (!trimmed.isEmpty() && !trimmed.equalsIgnoreCase("transfer-encoding")) {
                    headers.remove(trimmed);
                }
            }
        }
        for (CharSequence name : HOP_BY_HOP) {
            headers.remove(name);
        }
        headers.set(HttpHeaderNames.HOST, target.authority());
    }
}
