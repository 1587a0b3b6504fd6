package io.secureconnect.keyvalidator.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The per-token-id budget on its own, with a small budget: what it counts, what it throttles, how much it holds. */
class KeyFailureBudgetTest {

    private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";

    private static KeyFailureBudget budget(int maxFailures, int maxEntries) {
        KeyFailureBudget budget = new KeyFailureBudget();
        budget.config = new SmallRyeConfigBuilder().withMapping(KeysConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValue("secureconnect.keys.rate-limit.per-key.max-failures", String.valueOf(maxFailures))
                .withDefaultValue("secureconnect.keys.rate-limit.per-key.max-entries", String.valueOf(maxEntries))
                .build().getConfigMapping(KeysConfig.class);
        return budget;
    }

    /** A well-formed token of {@code id} whose secret is {@code n} in 43 digits. */
    private static String token(String id, int n) {
        return "pat.acct_1." + id + "." + String.format("%043d", n);
    }

    private static String id(int n) {
        return String.format("%022d", n);
    }

    @Test
    void throttlesFailingUsesOverTheBudgetFromAnyClientButNeverTheRightSecret() {
        KeyFailureBudget budget = budget(3, 100);
        for (int i = 0; i < 3; i++) {
            assertTrue(budget.end(budget.begin(token(ID, i)), "client-" + i, true).isEmpty(), "within the budget");
        }
        OptionalLong throttled = budget.end(budget.begin(token(ID, 99)), "client-new", true);
        assertTrue(throttled.isPresent(), "a fourth failure, from a client never seen before");
        assertTrue(throttled.getAsLong() >= 1 && throttled.getAsLong() <= 60, "Retry-After " + throttled);
        assertTrue(budget.end(budget.begin(token(ID, 12345)), "client-0", false).isEmpty(),
                "the right secret is answered as usual, even from a client that failed");
    }

    @Test
    void countsChecksInFlightOncePerDistinctToken() {
        KeyFailureBudget budget = budget(3, 100);
        List<KeyFailureBudget.Ticket> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add(budget.begin(token(ID, i)));
        }
        KeyFailureBudget.Ticket again = budget.begin(token(ID, 0));
        assertFalse(again.overBudget(), "the same token twice in flight takes one place");
        int throttled = 0;
        for (KeyFailureBudget.Ticket ticket : burst) {
            throttled += budget.end(ticket, "c", true).isPresent() ? 1 : 0;
        }
        assertEquals(2, throttled, "five concurrent failures against a budget of three: two throttled");
        assertTrue(budget.end(again, "c", false).isEmpty());
    }

    @Test
    void forgetsIdsThatDoNotExistOrSucceedAsSoonAsTheirCheckEnds() {
        KeyFailureBudget budget = budget(3, 100);
        for (int i = 0; i < 50; i++) {
            budget.end(budget.begin(token(id(i), i)), "c" + i, false);
        }
        assertEquals(0, budget.tracked(), "unknown ids (and valid uses) count only per client");
        budget.end(budget.begin(token(ID, 1)), "c", true);
        assertEquals(1, budget.tracked(), "an existing id that failed is remembered for its window");
    }

    @Test
    void tracksAtMostMaxEntriesIdsAndLeavesTheRestToThePerClientBudget() {
        KeyFailureBudget budget = budget(3, 2);
        budget.end(budget.begin(token(id(1), 1)), "c", true);
        budget.end(budget.begin(token(id(2), 2)), "c", true);
        KeyFailureBudget.Ticket third = budget.begin(token(id(3), 3));
        assertNull(third.tokenId(), "a third id is not tracked");
        assertTrue(budget.end(third, "c", true).isEmpty());
        assertEquals(2, budget.tracked());
        assertEquals(id(1), budget.begin(token(id(1), 4)).tokenId(), "ids already tracked still are");
    }

    @Test
    void refusesToStartWithAnEmptyBudgetNamingTheSetting() {
        assertEquals("startup refused: secureconnect.keys.rate-limit.per-key.max-failures=0: must be at least 1",
                KeyFailureBudget.problem(budget(0, 100).config.rateLimit().perKey()).orElseThrow());
        assertEquals("startup refused: secureconnect.keys.rate-limit.per-key.max-entries=0: must be at least 1",
                KeyFailureBudget.problem(budget(3, 0).config.rateLimit().perKey()).orElseThrow());
        assertTrue(KeyFailureBudget.problem(budget(3, 100).config.rateLimit().perKey()).isEmpty());
    }

    @Test
    void tracksNothingForAMalformedToken() {
        KeyFailureBudget budget = budget(3, 100);
        assertNull(budget.begin("pat.guess").tokenId());
        assertNull(budget.begin(null).tokenId());
        assertEquals(0, budget.tracked());
    }
}
