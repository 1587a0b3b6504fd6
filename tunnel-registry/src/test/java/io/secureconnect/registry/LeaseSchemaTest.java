package io.secureconnect.registry;

import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.execute;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The database's own guard on lease rows, for writers that bypass the service's checks (a script, a future
 * migration): since V5 the account rule is a domain, checked where an account is written, not on every other change.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class LeaseSchemaTest {

    @Inject
    DataSource db;

    @Test
    void aLeaseRowCannotBeWrittenWithAnAccountBreakingTheRule() {
        String gw = gateway();
        for (String bad : new String[] {"", "has space", "semi;colon", "x".repeat(65)}) {
            String state = checkViolation(() -> execute(db, "INSERT INTO lease (account_id, port, epoch, tunnel_id,"
                    + " api_key_id, gateway_id, state, acquired_at, expires_at) VALUES (?, 30000,"
                    + " nextval('lease_epoch_seq'), gen_random_uuid(), 'k', ?, 'LIVE', now(), now())", bad, gw));
            assertEquals(bad.length() > 64 ? "22001" : "23514", state, "account '" + bad + "'");
        }
        String account = account();
        acquire(account, 30000, "k", gw);
        assertEquals("23514", checkViolation(() -> execute(db, "UPDATE lease SET account_id = 'no good'"
                + " WHERE account_id = ?", account)));
        assertEquals(1, execute(db, "UPDATE lease SET expires_at = expires_at + interval '1 second'"
                + " WHERE account_id = ?", account), "other columns change as before");
        assertEquals(1, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", account));
    }

    private static String checkViolation(Runnable write) {
        IllegalStateException failed = assertThrows(IllegalStateException.class, write::run);
        return assertInstanceOf(SQLException.class, failed.getCause()).getSQLState();
    }
}
