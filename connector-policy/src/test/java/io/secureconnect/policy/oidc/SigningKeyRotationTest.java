package io.secureconnect.policy.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jwt.SignedJWT;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.IdTokens;
import io.secureconnect.policy.testsupport.Keys;
import io.secureconnect.policy.testsupport.PolicyClient;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key rotation with overlap. Time passing is simulated by moving the keys' timestamps back in the database (the
 * service reads them from there), so the real rotation and publication rules run unchanged.
 */
@QuarkusTest
class SigningKeyRotationTest {

    @Inject
    SigningKeys keys;

    @Inject
    AgroalDataSource database;

    private PolicyClient client;
    private String account;

    @BeforeEach
    void setUp() {
        client = new PolicyClient();
        account = Keys.newAccount();
        Keys.asAdmin(account).body(Bodies.connector("aws", "Aws", Map.of("region", "eu-west-1", "oidc",
                Map.of("roleArn", "arn:aws:iam::123456789012:role/ci", "region", "eu-west-1"))))
                .queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors").then().statusCode(201);
    }

    @AfterEach
    void close() throws Exception {
        client.close();
    }

    @Test
    void keepsTheOldKeyPublishedWhileItsTokensLiveThenDropsIt() throws Exception {
        String before = token();
        String oldKid = kid(before);

        keys.rotate(Instant.now(), true);
        String after = token();
        String newKid = kid(after);

        assertNotEquals(oldKid, newKid, "tokens are signed with the new key right after a rotation");
        assertEquals(Set.of(oldKid, newKid), publishedKids().stream().filter(k -> k.equals(oldKid) || k.equals(newKid))
                .collect(java.util.stream.Collectors.toSet()), "both keys are published during the overlap");
        IdTokens.verify(before, account, "sts.amazonaws.com");
        IdTokens.verify(after, account, "sts.amazonaws.com");

        // 71 minutes later: the old key's last token (1 hour at most) has expired, and the 10-minute margin is over.
        execute("UPDATE oidc_signing_key SET created_at = created_at - interval '71 minutes', "
                + "retired_at = retired_at - interval '71 minutes' WHERE kid = ?", oldKid);

        List<String> published = publishedKids();
        assertFalse(published.contains(oldKid), "the old key is no longer published");
        assertTrue(published.contains(newKid));
        assertThrows(BadJOSEException.class, () -> IdTokens.verify(before, account, "sts.amazonaws.com"));
        IdTokens.verify(after, account, "sts.amazonaws.com");

        keys.rotate(Instant.now(), true);
        assertEquals(0, count("SELECT count(*) FROM oidc_signing_key WHERE kid = ?", oldKid),
                "the next rotation deletes the key no token can need");
    }

    @Test
    void rotatesWhenTheActiveKeyIsOlderThanTheRotationPeriodAndKeepsTheOldOnePublished() throws Exception {
        String oldKid = kid(token());
        execute("UPDATE oidc_signing_key SET created_at = created_at - interval '30 days 1 minute' WHERE kid = ?", oldKid);

        String newKid = kid(token());

        assertNotEquals(oldKid, newKid);
        assertEquals(1, count("SELECT count(*) FROM oidc_signing_key WHERE kid = ? AND retired_at IS NOT NULL", oldKid));
        assertTrue(publishedKids().containsAll(List.of(oldKid, newKid)));
    }

    @Test
    void manyReplicasRotatingAtOnceMakeOneNewKey() throws Exception {
        String oldKid = keys.current().kid();
        execute("UPDATE oidc_signing_key SET created_at = created_at - interval '31 days' WHERE kid = ?", oldKid);
        java.sql.Timestamp startedAt = java.sql.Timestamp.from(Instant.now());
        int replicas = 6;
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> made = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                made.add(pool.submit(() -> {
                    start.await();
                    return keys.rotate(Instant.now(), false).kid;
                }));
            }
            start.countDown();
            Set<String> kids = new HashSet<>();
            for (Future<String> kid : made) {
                kids.add(kid.get());
            }
            assertEquals(1, kids.size(), "every replica ends up with the same new key: " + kids);
            assertFalse(kids.contains(oldKid));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count("SELECT count(*) FROM oidc_signing_key WHERE retired_at IS NULL", null));
        assertEquals(1, count("SELECT count(*) FROM oidc_signing_key WHERE created_at >= ?", startedAt));
    }

    private String token() {
        Instant deadline = Instant.now().plusSeconds(1800);
        return client.stub().resolveBuildNetwork(ResolveBuildNetworkRequest.newBuilder().setAccountId(account)
                .setBuildId("b1").setBuildDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()))
                .addConnectors(ConnectorRef.newBuilder().setIdentifier("aws")).build())
                .getCloudIdentityTokens(0).getToken();
    }

    private static String kid(String token) throws Exception {
        String kid = SignedJWT.parse(token).getHeader().getKeyID();
        assertNotNull(kid);
        return kid;
    }

    private List<String> publishedKids() throws Exception {
        return IdTokens.jwks(account).getKeys().stream().map(JWK::getKeyID).toList();
    }

    private void execute(String sql, String kid) throws Exception {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, kid);
            assertEquals(1, statement.executeUpdate());
        }
    }

    private long count(String sql, Object parameter) throws Exception {
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            if (parameter != null) {
                statement.setObject(1, parameter);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
