package io.secureconnect.keyvalidator.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written identifier check says exactly what the documented pattern says. */
class IdentifiersTest {

    @Test
    void agreesWithThePatternOnEveryKindOfInput() {
        List<String> inputs = new ArrayList<>(List.of("a", "_", "Z", "acct_9", "_acct", "A" + "b".repeat(127),
                "9acct", "", "a-b", "a.b", "a b", "é", "acct\n", "a" + "b".repeat(128), "ab\u0000", "__", "a9_Z"));
        for (char c = 0; c < 256; c++) {
            inputs.add(String.valueOf(c));
            inputs.add("a" + c);
        }
        for (String input : inputs) {
            assertEquals(Identifiers.matchesPattern(input), Identifiers.isValid(input), "for \"" + input + "\"");
        }
        assertTrue(Identifiers.isValid("A" + "b".repeat(127)));
        assertFalse(Identifiers.isValid("a" + "b".repeat(128)));
        assertFalse(Identifiers.isValid(null));
    }
}
