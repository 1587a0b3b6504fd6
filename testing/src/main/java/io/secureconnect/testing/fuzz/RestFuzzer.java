package io.secureconnect.testing.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends seeded hostile requests to every endpoint of a service and checks each answer: never a 5xx; every 4xx an
 * {@code application/problem+json} body with its status; and no row written by a refused request (the row counts
 * read back before and after it). A 2xx is taken as valid input and becomes the new baseline. {@link #finish}
 * fails the test with the first failures, each replayable with the printed seed.
 */
public final class RestFuzzer {

    /** An endpoint: its method, its path with {placeholders}, and a valid body to mutate (null: none). */
    public record Endpoint(String method, String path, Map<String, Object> body) {
    }

    /** What a request carries besides path and body, chosen per request. */
    public record Extras(Map<String, String> query, Map<String, String> headers) {
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}]+}");
    private static final int MAX_REPORTED = 15;
    private static final int MAX_BODY = 64 * 1024;
    /** Vert.x's default quarkus.http.limits.max-initial-line-length: longer request lines are refused (414). */
    private static final int MAX_INITIAL_LINE = 4096;

    private final String base;
    private final RowCounts counts;
    private final Predicate<String> refusedBody;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = new ArrayList<>();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private int requests;

    public RestFuzzer(String base, RowCounts counts) {
        this(base, counts, body -> false);
    }

    /**
     * {@code refusedBody}: which 2xx bodies are refusals all the same (frp's plugin protocol answers 200 with
     * {@code "reject": true}); those too must write nothing.
     */
    public RestFuzzer(String base, RowCounts counts, Predicate<String> refusedBody) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.counts = counts;
        this.refusedBody = refusedBody;
    }

    /** {@code run.count()} requests over the endpoints; {@code extras} picks each request's query and headers. */
    public void run(FuzzRun run, List<Endpoint> endpoints, BiFunction<HostileInput, Endpoint, Extras> extras) {
        HostileInput input = run.input();
        long started = System.nanoTime();
        Map<String, Long> baseline = counts.read();
        for (int i = 0; i < run.count(); i++) {
            Endpoint endpoint = input.pick(endpoints);
            Extras extra = extras.apply(input, endpoint);
            byte[] body = endpoint.body() != null ? input.body(endpoint.body())
                    : input.chance(0.1) ? input.body(Map.of("x", 1)) : null;
            String url = base + fill(endpoint.path(), input) + query(extra.query());
            HttpResponse<String> answer = send(endpoint.method(), url, extra.headers(), body);
            if (answer == null) {
                // The connection may be one the server closed after its previous answer (a 413 closes it): once more.
                answer = send(endpoint.method(), url, extra.headers(), body);
            }
            requests++;
            if (answer == null) {
                // A body over the limit is answered 413, a request line over Vert.x's limit 414, and the
                // connection closed while the client may still be writing; any other request must be answered.
                // (the request line is the url less scheme and host, plus the method and the version)
                boolean overALimit = (body != null && body.length > MAX_BODY)
                        || url.length() > MAX_INITIAL_LINE - 64;
                if (!overALimit) {
                    failure(run, i, endpoint.method(), url + " body " + shorten(body), "no answer (connection failed)");
                }
                statuses.merge(0, 1, Integer::sum);
                continue;
            }
            statuses.merge(answer.statusCode(), 1, Integer::sum);
            check(run, i, endpoint.method(), url + " body " + shorten(body), answer);
            Map<String, Long> now = counts.read();
            boolean refused = answer.statusCode() >= 400 || refusedBody.test(answer.body());
            if (refused && !now.equals(baseline)) {
                failure(run, i, endpoint.method(), url + " body " + shorten(body),
                        answer.statusCode() + " but rows changed " + baseline + " -> " + now);
            }
            baseline = now;
        }
        System.out.printf("fuzz done service=%s seed=%d requests=%d seconds=%.1f statuses=%s%n", run.service(),
                run.seed(), requests, (System.nanoTime() - started) / 1e9, statuses);
    }

    /** The failures found, empty when the service held. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    public int requests() {
        return requests;
    }

    private void check(FuzzRun run, int i, String method, String url, HttpResponse<String> answer) {
        int status = answer.statusCode();
        if (status >= 500) {
            failure(run, i, method, url, status + " " + shorten(answer.body()));
        } else if (status == 414 || status == 431) {
            // Vert.x's HTTP codec refuses a request line or headers over its limits before any route: an empty
            // answer, nothing read. Accepted as it is.
            return;
        } else if (status >= 400) {
            String type = answer.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("application/problem+json") || !answer.body().contains("\"status\":" + status)) {
                failure(run, i, method, url, status + " without a problem body: " + type + " " + shorten(answer.body()));
            }
        }
    }

    private HttpResponse<String> send(String method, String url, Map<String, String> headers, byte[] body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            headers.forEach(request::header);
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String fill(String path, HostileInput input) {
        Matcher placeholder = PLACEHOLDER.matcher(path);
        StringBuilder filled = new StringBuilder();
        while (placeholder.find()) {
            String value = input.pathSegment();
            placeholder.appendReplacement(filled, Matcher.quoteReplacement(encode(value.isEmpty() ? "x" : value)));
        }
        placeholder.appendTail(filled);
        return filled.toString();
    }

    private static String query(Map<String, String> query) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, String> parameter : new LinkedHashMap<>(query).entrySet()) {
            text.append(text.isEmpty() ? '?' : '&').append(encode(parameter.getKey())).append('=')
                    .append(encode(parameter.getValue()));
        }
        return text.toString();
    }

    /** Percent-encodes every byte of the UTF-8 form but unreserved characters (a lone surrogate becomes '?'). */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private void failure(FuzzRun run, int i, String method, String url, String what) {
        if (failures.size() < MAX_REPORTED) {
            failures.add("seed=" + run.seed() + " request #" + i + " " + method + " " + shorten(url) + ": " + what);
        }
    }

    private static String shorten(byte[] body) {
        return body == null ? "(none)" : shorten(new String(body, 0, Math.min(body.length, 400), StandardCharsets.ISO_8859_1))
                + " (" + body.length + " bytes)";
    }

    private static String shorten(String text) {
        String printable = text == null ? "" : text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 300 ? printable.substring(0, 300) + "..." : printable;
    }
}
