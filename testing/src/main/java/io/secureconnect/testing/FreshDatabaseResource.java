package io.secureconnect.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives a Quarkus test run its own, uniquely named database on the local PostgreSQL and drops it afterwards,
 * so leftovers of earlier runs and parallel runs never collide. Flyway then migrates it at start.
 * Use with {@code @QuarkusTestResource(FreshDatabaseResource.class)}; the init arg {@code prefix} names it.
 */
public class FreshDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private String prefix = "svc";
    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.getOrDefault("prefix", prefix);
    }

    @Override
    public Map<String, String> start() {
        database = LocalPostgres.createUniqueDatabase(prefix);
        return Map.of(
                "quarkus.datasource.jdbc.url", LocalPostgres.jdbcUrl(database),
                "quarkus.datasource.username", LocalPostgres.user(),
                "quarkus.datasource.password", LocalPostgres.password());
    }

    @Override
    public void stop() {
        if (database != null) {
            LocalPostgres.dropDatabase(database);
        }
    }
}
