package io.secureconnect.testing.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded hostile values for REST fuzzing: texts with NUL and control characters, lone surrogates, right-to-left
 * overrides, emoji, SQL and JSON injection, huge strings; wrong JSON types; extreme page numbers; and request
 * bodies made from a valid one by one mutation (malformed JSON, a field of the wrong type or a hostile value, an
 * unknown field, deep nesting, invalid UTF-8 such as an overlong NUL).
 */
public final class HostileInput {

    private static final String[] TEXTS = {
        "", " ", "a\u0000b", "\u0000", "acct\u0000", "a\u0001b", "a\nb", "a\tb", "\u007f", "\u0085x", "a\u009bb",
        "\ud800", "x\udc00", "\udbff\udfff", "\ud83d\ude00", "\ud83d", "\u202eevil", "\u05e9\u05dc\u05d5\u05dd",
        "\ufeff", "\uffff", "\ufffe", "caf\u00e9", "e\u0301", "\u0130", "' OR '1'='1", "'; DROP TABLE api_key; --",
        "\"); DELETE FROM lease; --", "\",\"admin\":true,\"x\":\"", "{\"$ne\":null}", "../../etc/passwd", "%00",
        "%2e%2e%2f", "${jndi:ldap://x/a}", "<script>alert(1)</script>", "a b", "a-b", "a.b", "9abc", "_", "a",
        "valid_id", "A_b_9", "null", "true", "-1", "0", "1e309", "NaN", "\\", "\\u0000", "/", "a/b", "?x=1", "#",
        "a;b", "*", "%", "_%", "\r\n\r\nGET / HTTP/1.1"
    };
    private static final String[] PAGES = {
        "1000000000", "2147483647", "2147483648", "-1", "-2147483648", "abc", "1.5", "1e3", "0x10", " 1",
        "99999999999999999999999", "", "0", "1", "21474836", "21474837", "+1", "\u0661", "1\u0000"
    };

    private final Random random;

    HostileInput(Random random) {
        this.random = random;
    }

    public Random random() {
        return random;
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    public <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    /** A hostile text (sometimes a valid identifier, to reach the code behind the checks). */
    public String text() {
        return switch (random.nextInt(10)) {
            case 0 -> huge();
            case 1 -> TEXTS[random.nextInt(TEXTS.length)] + TEXTS[random.nextInt(TEXTS.length)];
            case 2 -> randomChars(1 + random.nextInt(40));
            default -> TEXTS[random.nextInt(TEXTS.length)];
        };
    }

    /** A page or limit value: huge, negative, non-numeric, or in range. */
    public String pageValue() {
        return PAGES[random.nextInt(PAGES.length)];
    }

    /** A value of any JSON type, often not the one expected. */
    public Object anyValue() {
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextInt();
            case 3 -> new Json.Raw("1" + "0".repeat(400));
            case 4 -> List.of(text(), random.nextInt());
            case 5 -> Map.of(text(), text());
            case 6 -> -random.nextDouble() * 1e20;
            default -> text();
        };
    }

    /** A body made from a valid one by one mutation (or, now and then, the valid body itself). */
    public byte[] body(Map<String, Object> valid) {
        if (random.nextInt(12) == 0) {
            return invalidUtf8(Json.write(with(valid, field(valid), "@@")));
        }
        String json = switch (random.nextInt(11)) {
            case 0 -> malformed(Json.write(valid));
            case 1 -> nested(1 + random.nextInt(20_000));
            case 2 -> Json.write(with(valid, "unknown_" + random.nextInt(3), text()));
            case 3, 4 -> Json.write(with(valid, field(valid), anyValue()));
            case 5 -> Json.write(List.of(valid));
            case 6 -> Json.write(valid);
            default -> Json.write(with(valid, field(valid), text()));
        };
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A path segment: hostile text or, now and then, a valid identifier. */
    public String pathSegment() {
        return chance(0.2) ? "id_" + random.nextInt(5) : text();
    }

    private String field(Map<String, Object> valid) {
        List<String> fields = new ArrayList<>(valid.keySet());
        return fields.isEmpty() ? "x" : fields.get(random.nextInt(fields.size()));
    }

    private static Map<String, Object> with(Map<String, Object> valid, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(valid);
        copy.put(field, value);
        return copy;
    }

    private String malformed(String json) {
        return switch (random.nextInt(8)) {
            case 0 -> json.substring(0, random.nextInt(Math.max(1, json.length())));
            case 1 -> json + "}";
            case 2 -> json.replace(":", "=");
            case 3 -> "";
            case 4 -> "null";
            case 5 -> "\"" + text().replace("\"", "") + "\"";
            case 6 -> "{\"a\":1,\"a\":2}";
            default -> randomChars(1 + random.nextInt(64));
        };
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** The JSON text with "@@" replaced by an overlong NUL (C0 80), a lone continuation byte and a cut sequence. */
    private byte[] invalidUtf8(String json) {
        String bytes = switch (random.nextInt(3)) {
            case 0 -> "\u00c0\u0080";
            case 1 -> "\u0080";
            default -> "\u00e2\u0082";
        };
        return json.replace("@@", "a" + bytes + "b").getBytes(StandardCharsets.ISO_8859_1);
    }

    private String huge() {
        int length = switch (random.nextInt(3)) {
            case 0 -> 129;
            case 1 -> 5_000;
            default -> 70_000;
        };
        return "x".repeat(length);
    }

    private String randomChars(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(random.nextBoolean() ? 0x80 : 0x10000));
        }
        return text.toString();
    }

    /**
     * The query of an account-scoped REST call: {@code account} most of the time (else hostile text), sometimes an
     * org, a project, a page and a limit, each valid or hostile.
     */
    public Map<String, String> scopeQuery(String account) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("accountIdentifier", chance(0.8) ? account : text());
        if (chance(0.2)) {
            query.put("orgIdentifier", chance(0.5) ? "id_org" : text());
        }
        if (chance(0.1)) {
            query.put("projectIdentifier", text());
        }
        if (chance(0.3)) {
            query.put("page", pageValue());
        }
        if (chance(0.3)) {
            query.put("limit", pageValue());
        }
        return query;
    }
}
