package io.secureconnect.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.secureconnect.common.problem.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written identifier check says exactly what the documented pattern says. */
class IdentifiersTest {

    private static final Pattern RULE = Pattern.compile(Identifiers.PATTERN);

    @ParameterizedTest(name = "accepts \"{0}\"")
    @ValueSource(strings = {"a", "_", "acct_1", "Default", "A_9"})
    void acceptsIdentifiers(String value) {
        assertEquals(true, Identifiers.isValid(value));
        assertEquals(true, RULE.matcher(value).matches());
        assertEquals(value, Identifiers.require("identifier", value));
    }

    @ParameterizedTest(name = "refuses \"{0}\"")
    @ValueSource(strings = {"", "1abc", "acct-1", "a b", "a\u0000b", "a\nb", "a.b", "é", "a\ud800", "a/b", "a'--"})
    void refusesWhatTheRuleDoesNotAllow(String value) {
        assertEquals(false, Identifiers.isValid(value));
        assertEquals(false, RULE.matcher(value).matches());
        ProblemException refused = assertThrows(ProblemException.class, () -> Identifiers.require("orgIdentifier", value));
        assertEquals(400, refused.status());
        assertEquals("orgIdentifier", refused.errors().get(0).field());
        assertEquals("<invalid identifier>", Identifiers.shown(value));
    }

    @Test
    void agreesWithThePatternOnEveryKindOfInput() {
        List<String> inputs = new ArrayList<>(List.of("a", "_", "Z", "acct_9", "_acct", "A" + "b".repeat(127),
                "9acct", "", "a-b", "a.b", "a b", "\u00e9", "acct\n", "a" + "b".repeat(128), "ab\u0000", "__", "a9_Z"));
        for (char c = 0; c < 256; c++) {
            inputs.add(String.valueOf(c));
            inputs.add("a" + c);
        }
        for (String input : inputs) {
            assertEquals(RULE.matcher(input).matches(), Identifiers.isValid(input), "for \"" + input + "\"");
        }
        assertEquals(false, Identifiers.isValid(null));
        assertEquals(true, Identifiers.isValid("x" + "a".repeat(127)));
        assertEquals(false, Identifiers.isValid("x" + "a".repeat(128)));
    }
}
