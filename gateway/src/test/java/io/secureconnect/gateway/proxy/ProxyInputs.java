package io.secureconnect.gateway.proxy;

import io.secureconnect.testing.fuzz.HostileInput;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded proxy requests, each either well formed but for one known fault (so the answer is exact: 400, 403, 407,
 * 414, 431 or "passed") or mangled at random (any refusal, never a 5xx of the proxy's own, never silence). Requests
 * are CONNECT and absolute-URI forms; faults are those of issue 17: bad request lines, bad hosts and ports, header
 * folding, huge and repeated headers (Proxy-Authorization, Host, Content-Length, Transfer-Encoding), NUL bytes,
 * invalid UTF-8, truncation; besides, TLS ClientHellos whole, cut and mangled, and random bytes.
 */
final class ProxyInputs {

    /** Every valid credential of the run carries this allowlist. */
    static final List<String> ALLOWLIST = List.of("allowed.example:443", "*.corp.example", "10.1.2.3",
            "[fd00::1]:8443", "git.myorg.com");
    static final String[] ALLOWED = {"allowed.example:443", "x.corp.example:22", "A.B.Corp.Example:443",
        "10.1.2.3:80", "10.1.2.3:8080", "[fd00::1]:8443", "[FD00::1]:8443", "git.myorg.com:7999", "GIT.myorg.com:1",
        "deep.er.corp.example:65535", "allowed.example:0443"};
    static final String[] NOT_ALLOWED = {"allowed.example:80", "corp.example:443", "evil.example:443",
        "10.1.2.4:443", "[fd00::2]:8443", "[fd00::1]:443", "git.myorg.com.evil.example:443", "xcorp.example:443",
        "127.0.0.1:22", "169.254.169.254:80", "allowed.example.:443", "metadata.google.internal:80"};
    private static final String[] BAD_AUTHORITIES = {"allowed.example", "allowed.example:", "allowed.example:0",
        ":443", "allowed.example:65536", "allowed.example:-1", "allowed.example:99999999999", "allowed.example:abc",
        "allowed.example:+443", "allowed.example: 443", "[fd00::1:443", "fd00::1:443", "a/b:443",
        "user@allowed.example:443", "[fd00::1]x443", "[]:443", "allowed.example:443:443", "allowed.example:0x1bb",
        "allowed.example:4\u00f63", "all\u00f6wed.example:443", "allowed\u0001.example:443", "allowed.example:1e3"};
    private static final String[] BAD_URIS = {"https://allowed.example/", "ftp://x.corp.example/", "/relative",
        "*", "http://", "http:///path", "http://allowed.example:99999/", "http://:80/", "x.corp.example:443",
        "http//x.corp.example/", "http://x.corp.example:+80/", "http://[fd00::1/", "http://a:b:c/"};
    private static final String[] BAD_REQUEST_LINES = {"CONNECT", "CONNECT allowed.example:443",
        "CONNECT allowed.example:443 HTTP/1.1 extra", "CONNECT allowed.example:443 FOO/1.1",
        "CONNECT allowed.example:443 HTTP/1", "CONNECT allowed.example:443 HTTP/1.1.1",
        "CON\u0000NECT allowed.example:443 HTTP/1.1", "CONNECT allowed.example:443\u0000 HTTP/1.1",
        "CONNECT\tallowed.example:443\tHTTP/1.1x", "C(NNECT allowed.example:443 HTTP/1.1", "GET HTTP/1.1",
        "CONNECT allowed.example:443 HTTP/1.1\u0000"};
    /** Not quite RFC 9112, but Netty takes them and nothing after the request line changes: they pass. */
    private static final String[] TOLERATED_REQUEST_LINES = {" CONNECT allowed.example:443 HTTP/1.1",
        "CONNECT allowed.example:443 http/1.1", "CONNECT  allowed.example:443  HTTP/1.1"};

    private final HostileInput hostile;
    private final Random random;
    private final Credentials credentials;
    private final ClientHellos hellos;

    /**
     * The Proxy-Authorization values of a run: {@code passing} signed for an account with the allowlist above, and
     * refused ones (expired: 403; signed by another key, malformed: 407).
     */
    record Credentials(String passing, String expired, String badSignature, String malformed) {
    }

    ProxyInputs(HostileInput hostile, Credentials credentials, ClientHellos hellos) {
        this.hostile = hostile;
        this.random = hostile.random();
        this.credentials = credentials;
        this.hellos = hellos;
    }

    ProxyInput next() {
        int roll = random.nextInt(100);
        if (roll < 8) {
            return hellos.next(random);
        }
        if (roll < 11) {
            return randomBytes();
        }
        if (roll < 30) {
            return mutated(structured());
        }
        return structured();
    }

    /** A well-formed request but for (at most) one fault, with the answer it must get. */
    ProxyInput structured() {
        boolean connect = random.nextBoolean();
        Request request = new Request(connect);
        switch (random.nextInt(24)) {
            case 0, 1, 2 -> {
                return request.build("passes", ProxyInput.PASSED);
            }
            case 3 -> {
                request.auth = null;
                return request.build("no credential", 407);
            }
            case 4 -> {
                request.auth = pick("Bearer " + credentials.passing, "Basic !!notbase64", "Basic "
                        + base64("no-colon"), "Basic", "basic", "Digest x", "Basic " + base64("build:"));
                return request.build("malformed Proxy-Authorization", 407);
            }
            case 5 -> {
                String text = hostile.text();
                request.auth = basic(pick(credentials.badSignature, credentials.malformed,
                        text.substring(0, Math.min(text.length(), 1000))));
                return request.build("credential that does not verify", 407);
            }
            case 6 -> {
                request.auth = basic(credentials.expired);
                return request.build("expired credential", 403);
            }
            case 7 -> {
                request.target(connect ? pick(NOT_ALLOWED) : "http://" + pick(NOT_ALLOWED) + "/x");
                return request.build("destination outside the allowlist", 403);
            }
            case 8 -> {
                request.target(connect ? pick(BAD_AUTHORITIES) : pick(BAD_URIS));
                return request.build("bad host or port", 400);
            }
            case 9 -> {
                request.headers.add("Proxy-Authorization: " + pick(request.auth, basic(credentials.expired)));
                return request.build("repeated Proxy-Authorization", 400);
            }
            case 10 -> {
                request.headers.add("Host: " + pick("evil.example", request.hostHeader));
                return request.build("repeated Host", 400);
            }
            case 11 -> {
                request.headers.add("Content-Length: 0");
                request.headers.add("Content-Length: " + pick("0", "5", "-1"));
                return request.build("repeated Content-Length", 400);
            }
            case 12 -> {
                request.headers.add("Transfer-Encoding: " + pick("gzip", "chunked, gzip", "identity", "chunked, chunked",
                        "xchunked"));
                return request.build("Transfer-Encoding that does not end in chunked", 400);
            }
            case 13 -> {
                request.fold = true;
                return request.build("obs-fold", ProxyInput.PASSED);
            }
            case 14 -> {
                request.headers.add(pick("X-Nul: a\u0000b", "X\u0000Nul: ab", "X-Ctl: a\u0001b", "X-Del: \u007f",
                        "X-Cr: a\rb", "Bad Name: x", ": empty-name", "X-Nul:\u0000"));
                return request.build("NUL or control byte in a header", 400);
            }
            case 15 -> {
                // Now and then far more than the gateway reads before refusing: the answer must still arrive.
                int beyond = random.nextInt(8) == 0 ? 256 * 1024 : 40_000;
                request.headers.add("X-Big: " + "b".repeat(ProxyEndpoint.MAX_HEADERS + random.nextInt(beyond)));
                return request.build("huge header", 431);
            }
            case 16 -> {
                int total = ProxyEndpoint.MAX_HEADERS + 1 + random.nextInt(20_000);
                for (int i = 0, size = 0; size <= total; i++) {
                    String header = "X-H" + i + ": " + i;
                    request.headers.add(header);
                    size += header.length(); // Netty counts header bytes without line ends
                }
                return request.build("very many headers", 431);
            }
            case 17 -> {
                String path = "/" + "p".repeat(ProxyEndpoint.MAX_INITIAL_LINE + random.nextInt(20_000));
                request.target(connect ? "x.corp.example:" + path : "http://x.corp.example" + path);
                return request.build("request line too long", 414);
            }
            case 18 -> {
                if (random.nextInt(5) == 0) {
                    request.line = pick(TOLERATED_REQUEST_LINES);
                    return request.build("tolerated request line", ProxyInput.PASSED);
                }
                request.line = pick(BAD_REQUEST_LINES);
                return request.build("bad request line", 400);
            }
            case 19 -> {
                request.headers.add("X-Text: " + printable(hostile.text()));
                request.invalidUtf8 = random.nextBoolean();
                return request.build("benign header with obs-text", ProxyInput.PASSED);
            }
            case 20 -> {
                if (connect) {
                    request.target("x.corp.example:\u00ff\u00fe");
                    return request.build("invalid UTF-8 in a CONNECT port", 400);
                }
                request.target("http://x.corp.example/\u00c0\u0080/\u00ff?\u00e2\u0082");
                return request.build("invalid UTF-8 in an absolute URI's path", ProxyInput.PASSED);
            }
            case 21 -> {
                byte[] whole = request.build("", 0).bytes();
                byte[] cut = Arrays.copyOf(whole, random.nextInt(whole.length - 3));
                return new ProxyInput("truncated head", cut, Set.of(408), false);
            }
            case 22 -> {
                // Methods are case-sensitive: "connect" is some other method, and every other method wants an
                // absolute URI.
                request.method = pick("connect", "Connect", "GeT", "DELETE", "OPTIONS", "TRACE", "PATCH");
                return request.build("other method", connect ? 400 : ProxyInput.PASSED);
            }
            default -> {
                request.auth = basic(credentials.passing).replace("Basic ", pick("basic ", "BASIC ", "Basic  "));
                return request.build("Basic in another case or spacing", ProxyInput.PASSED);
            }
        }
    }

    /** A structured input with random damage: bytes flipped, inserted, deleted or the whole cut short. */
    ProxyInput mutated(ProxyInput base) {
        byte[] bytes = base.bytes().clone();
        int edits = 1 + random.nextInt(4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes);
        for (int i = 0; i < edits; i++) {
            byte[] current = out.toByteArray();
            out.reset();
            int at = random.nextInt(Math.max(1, current.length));
            switch (current.length == 0 ? 2 : random.nextInt(4)) {
                case 0 -> current[at] = (byte) random.nextInt(256);
                case 1 -> current[at] = pick((byte) 0, (byte) '\r', (byte) '\n', (byte) ' ', (byte) ':', (byte) 0xc0);
                case 2 -> {
                    out.write(current, 0, at);
                    out.writeBytes(pick(new byte[] {0}, new byte[] {(byte) 0xc0, (byte) 0x80}, "\r\n".getBytes(),
                            "\r\n ".getBytes(), new byte[] {(byte) 0xff}));
                    out.write(current, at, current.length - at);
                    continue;
                }
                default -> current = Arrays.copyOf(current, at);
            }
            out.writeBytes(current);
        }
        byte[] damaged = out.toByteArray();
        boolean tls = damaged.length > 0 && damaged[0] == ProtocolSniffer.TLS_HANDSHAKE;
        return new ProxyInput("mutated " + base.kind(), damaged, tls ? Set.of(ProxyInput.NO_ANSWER)
                : ProxyInput.ANY_REFUSAL, false);
    }

    private ProxyInput randomBytes() {
        byte[] bytes = new byte[1 + random.nextInt(random.nextBoolean() ? 64 : 20_000)];
        random.nextBytes(bytes);
        boolean tls = bytes[0] == ProtocolSniffer.TLS_HANDSHAKE;
        return new ProxyInput("random bytes", bytes, tls ? Set.of(ProxyInput.NO_ANSWER)
                : ProxyInput.ANY_REFUSAL, false);
    }

    /** A request under construction: its parts valid until a case spoils one. */
    private final class Request {
        final boolean connect;
        String method;
        String target;
        String hostHeader;
        String line;
        String auth = basic(credentials.passing);
        boolean fold;
        boolean invalidUtf8;
        final List<String> headers = new ArrayList<>();

        Request(boolean connect) {
            this.connect = connect;
            this.method = connect ? "CONNECT" : pick("GET", "POST", "HEAD", "PUT");
            String destination = pick(ALLOWED);
            target(connect ? destination : "http://" + pick("", "user:pw@") + destination
                    + pick("/", "/path/to?q=1&r=%20", "", "?x", "/a#frag", "/\u00e9"));
        }

        void target(String target) {
            this.target = target;
            String authority = connect ? target : target.replaceFirst("^[a-zA-Z]+://", "").replaceFirst("[/?#].*", "");
            this.hostHeader = authority.isEmpty() ? "allowed.example" : authority;
        }

        ProxyInput build(String kind, int status) {
            StringBuilder head = new StringBuilder();
            head.append(line != null ? line : method + " " + target + " HTTP/1.1").append("\r\n");
            head.append("Host: ").append(hostHeader).append("\r\n");
            if (random.nextInt(3) == 0) {
                head.append(pick("User-Agent: curl/8.5.0", "Proxy-Connection: Keep-Alive", "Accept: */*",
                        "X-Forwarded-For: 1.2.3.4", "Connection: close")).append("\r\n");
            }
            if (auth != null) {
                // obs-fold: the value continues on a line that starts with whitespace (RFC 9112, 5.2).
                head.append("Proxy-Authorization: ").append(fold ? auth.replaceFirst(" ", pick("\r\n ", "\r\n\t"))
                        : auth).append("\r\n");
            }
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            head.append("\r\n");
            byte[] bytes = head.toString().getBytes(invalidUtf8 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            if (invalidUtf8) {
                bytes = head.toString().replace("X-Text: ", "X-Text: \u00c0\u0080\u00ed\u00a0\u0080")
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
            return ProxyInput.exactly(kind, bytes, status);
        }
    }

    /** A header value without line breaks, NULs or other control characters (which get a case of their own). */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().filter(c -> c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) && !(c >= 0xd800 && c < 0xe000))
                .limit(2000).forEach(out::appendCodePoint);
        return out.toString().strip();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static String basic(String credential) {
        return "Basic " + base64("build:" + credential);
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }
}
