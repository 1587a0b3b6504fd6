package io.secureconnect.policy.input;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input of issue #17: a 400 naming the field, never a 500, and nothing written. */
@QuarkusTest
class HostileInputTest {

    @Inject
    DataSource db;

    @ParameterizedTest(name = "refuses a NUL in the connector's {0} with a 400 naming it")
    @ValueSource(strings = {"identifier", "name", "description"})
    void refusesANulInABodyField(String field) {
        String account = Keys.newAccount();
        long before = connectors();
        Map<String, Object> body = new LinkedHashMap<>(Bodies.gitHub("c1"));
        body.put(field, "a\u0000b");
        Keys.asAdmin(account).queryParam("accountIdentifier", account).body(body).post("/api/v1/connectors")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("INVALID_FIELD"))
                .body("errors[0].field", equalTo(field));
        assertEquals(before, connectors(), "nothing written");
    }

    @Test
    void refusesALoneSurrogateAndANulInTags() {
        String account = Keys.newAccount();
        long before = connectors();
        Map<String, Object> body = new LinkedHashMap<>(Bodies.gitHub("c1"));
        body.put("tags", Map.of("env", "p\u0000rod"));
        Keys.asAdmin(account).queryParam("accountIdentifier", account).body(body).post("/api/v1/connectors")
                .then().statusCode(400).body("errors[0].field", equalTo("tags.env"));
        Keys.asAdmin(account).queryParam("accountIdentifier", account).queryParam("tag", "env:\u0000")
                .get("/api/v1/connectors").then().statusCode(400).body("errors[0].field", equalTo("tag"));
        assertEquals(before, connectors());
    }

    @ParameterizedTest(name = "{0} {1}: 400 naming {2}")
    @CsvSource({
        "GET, /api/v1/connectors/a%00b, identifier",
        "DELETE, /api/v1/connectors/a%00b, identifier",
        "GET, /api/v1/connectors/import/o%00/p/c1, orgIdentifier",
        "GET, /api/v1/connectors/c1?orgIdentifier=o%00, orgIdentifier"
    })
    void refusesAControlCharacterInAnIdentifier(String method, String path, String field) {
        String account = Keys.newAccount();
        String separator = path.contains("?") ? "&" : "?";
        Keys.asAdmin(account).urlEncodingEnabled(false).request(method, path + separator + "accountIdentifier=" + account)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(field))
                .body("detail", containsString("must match"));
    }

    @ParameterizedTest(name = "accountIdentifier \"{0}\": 400, the rule of every service")
    @ValueSource(strings = {"acct-1", "1acct", "a%00b"})
    void refusesAnAccountOutsideTheOneIdentifierRule(String account) {
        Keys.asAdmin("acc_x").urlEncodingEnabled(false).get("/api/v1/connectors?accountIdentifier=" + account)
                .then().statusCode(400).body("errors[0].field", equalTo("accountIdentifier"));
    }

    @ParameterizedTest(name = "page={0} limit={1}: 400 naming {2}")
    @CsvSource({
        "1000000000, 50, page", "21474837, 100, page", "-1, 50, page", "abc, 50, page",
        "99999999999999999999, 50, page", "0, 1000000, limit", "0, -5, limit"
    })
    void refusesAPageOrLimitOutOfRange(String page, String limit, String field) {
        String account = Keys.newAccount();
        Keys.asAdmin(account).queryParam("accountIdentifier", account).queryParam("page", page)
                .queryParam("limit", limit).get("/api/v1/connectors").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo(field));
    }

    @Test
    void answersTheLastAllowedPageEmpty() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).queryParam("accountIdentifier", account).queryParam("page", 21474836)
                .queryParam("limit", 100).get("/api/v1/connectors").then().statusCode(200)
                .body("content.size()", equalTo(0)).body("page", equalTo(21474836));
    }

    private long connectors() {
        try (var c = db.getConnection(); var s = c.prepareStatement("select count(*) from connector");
                var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
