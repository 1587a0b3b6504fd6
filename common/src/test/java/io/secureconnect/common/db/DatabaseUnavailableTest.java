package io.secureconnect.common.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DatabaseUnavailableTest {

    @ParameterizedTest(name = "SQLState {0} means the database is unavailable")
    @ValueSource(strings = {"08001", "08006", "08003", "53300", "53000", "57P01", "57P02", "57P03", "57P04", "57P05"})
    void connectionLevelStatesAreUnavailable(String state) {
        assertEquals(Optional.of(state), DatabaseUnavailable.sqlState(new SQLException("x", state)));
    }

    @ParameterizedTest(name = "SQLState {0} is the statement's own error")
    @ValueSource(strings = {"23505", "42P01", "22001", "40001", "57014", "55P03"})
    void statementErrorsAreNot(String state) {
        assertFalse(DatabaseUnavailable.is(new SQLException("x", state)));
    }

    @Test
    void aDatabaseThatRefusesConnectionsIsUnavailableButOther55000ErrorsAreNot() {
        assertTrue(DatabaseUnavailable.is(new SQLException(
                "FATAL: database \"sc\" is not currently accepting connections", "55000")));
        assertFalse(DatabaseUnavailable.is(new SQLException("currval of sequence is not yet defined", "55000")));
    }

    @Test
    void thePoolsOwnRefusalWithoutStateIsUnavailable() {
        assertEquals(Optional.of("none"), DatabaseUnavailable.sqlState(new SQLException("Sorry, acquisition timeout!")));
    }

    @Test
    void seesThroughWrappersAndLetsTheInnermostStateDecide() {
        RuntimeException hibernate = new RuntimeException("Unable to acquire JDBC Connection",
                new SQLException("Connection refused", "08001"));
        assertTrue(DatabaseUnavailable.is(new IllegalStateException("commit failed", hibernate)));
        SQLException wrapped = new SQLException("batch failed", null, new SQLException("duplicate key", "23505"));
        assertFalse(DatabaseUnavailable.is(wrapped), "an outer SQLException without state wrapping a real error");
    }

    @Test
    void failuresWithoutAnySqlExceptionAreNot() {
        assertFalse(DatabaseUnavailable.is(new IllegalStateException("bug")));
        assertFalse(DatabaseUnavailable.is(null));
    }
}
