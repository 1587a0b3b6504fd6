package io.secureconnect.keyvalidator.bootstrap;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.secureconnect.keyvalidator.support.IssuedTokens;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@QuarkusTest
@TestProfile(BootstrapProfile.class)
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootstrapAdminTest {

    static final Pattern LINE = Pattern.compile(Pattern.quote(BootstrapAdmin.LOG_PREFIX) + "(sat\\.first_account\\.\\S+)");

    @Inject
    BootstrapAdmin bootstrap;

    @Inject
    AgroalDataSource dataSource;

    @Test
    @Order(1)
    void printsOneAdminTokenOnceOnAnEmptyDatabaseAndItManagesTheAccount() throws Exception {
        String log = NoSecretsInLogs.log();
        List<String> printed = new ArrayList<>();
        Matcher matcher = LINE.matcher(log);
        while (matcher.find()) {
            printed.add(matcher.group(1));
        }
        assertTrue(!printed.isEmpty(), "no bootstrap line in the log");
        String token = printed.get(printed.size() - 1);
        assertEquals(1, occurrences(log, token), "the bootstrap token is printed exactly once");
        given().header("x-api-key", token).queryParam("accountIdentifier", "first_account").get("/api/v1/apikeys")
                .then().statusCode(200).body("totalItems", equalTo(1))
                .body("content[0].identifier", equalTo("bootstrap_admin"))
                .body("content[0].apiKeyType", equalTo("SERVICE_ACCOUNT"));
        given().header("x-api-key", token).queryParam("accountIdentifier", "first_account")
                .get("/api/v1/role-bindings/bootstrap_admin").then().statusCode(200)
                .body("roleIdentifier", equalTo("_account_admin")).body("resourceGroup.includeAllResources", equalTo(true));
        assertEquals(Optional.empty(), QuarkusTransaction.requiringNew().call(() -> bootstrap.createIfEmpty("first_account")),
                "a database with a key is not bootstrapped again");
    }

    @Test
    @Order(2)
    void replicasStartingTogetherCreateExactlyOneAdmin() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM role_binding WHERE identifier LIKE 'bootstrap_admin%'");
            statement.execute("DELETE FROM api_key");
        }
        CountDownLatch start = new CountDownLatch(1);
        Callable<Optional<String>> replica = () -> {
            start.await();
            return QuarkusTransaction.requiringNew().call(() -> bootstrap.createIfEmpty("first_account"));
        };
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<String> created = new ArrayList<>();
        try {
            List<Future<Optional<String>>> results = List.of(pool.submit(replica), pool.submit(replica), pool.submit(replica));
            start.countDown();
            for (Future<Optional<String>> result : results) {
                result.get().ifPresent(token -> created.add(IssuedTokens.remember(token)));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, created.size());
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM api_key")) {
            count.next();
            assertEquals(1, count.getInt(1));
        }
    }

    private static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
