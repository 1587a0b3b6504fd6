package io.secureconnect.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * What a request head must be before its credential is looked at, with the status RFC 9112 and RFC 6585 give each
 * fault: a request line too long 414, headers too large 431, anything else that does not parse 400; more than one Host
 * 400 (RFC 9112, 3.2); more than one Proxy-Authorization 400 (a single credential: which one would count is
 * ambiguous); a Transfer-Encoding that does not end in chunked, once, 400 (RFC 9112, 6.3: its body length cannot be
 * known, so the origin might read it differently from us).
 */
final class HeadChecks {

    /** Why a head is refused; the message goes to the client. */
    record Fault(int status, String reason, String message) {
    }

    private HeadChecks() {
    }

    /** The head's first fault, or null when it has none. */
    static Fault check(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return new Fault(414, "PROXY_REQUEST_LINE_TOO_LONG", "the request line is longer than "
                        + ProxyEndpoint.MAX_INITIAL_LINE + " bytes");
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return new Fault(431, "PROXY_HEADERS_TOO_LARGE", "the request headers are larger than "
                        + ProxyEndpoint.MAX_HEADERS / 1024 + " KiB");
            }
            return new Fault(400, "PROXY_BAD_REQUEST", "the request head could not be parsed");
        }
        HttpHeaders headers = request.headers();
        if (headers.getAll(HttpHeaderNames.HOST).size() > 1) {
            return new Fault(400, "PROXY_HEADER_REPEATED", "send one Host header");
        }
        if (headers.getAll(HttpHeaderNames.PROXY_AUTHORIZATION).size() > 1) {
            return new Fault(400, "PROXY_HEADER_REPEATED", "send one Proxy-Authorization header");
        }
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty() && !endsInChunkedOnce(codings)) {
            return new Fault(400, "PROXY_BAD_TRANSFER_ENCODING", "Transfer-Encoding must end in chunked, applied once");
        }
        return null;
    }

    private static boolean endsInChunkedOnce(List<String> fieldLines) {
        String last = null;
        int chunked = 0;
        for (String line : fieldLines) {
            for (String coding : line.split(",")) {
                String trimmed = coding.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                last = trimmed;
                if (trimmed.equalsIgnoreCase("chunked")) {
                    chunked++;
                }
            }
        }
        return chunked == 1 && "chunked".equalsIgnoreCase(last);
    }
}
