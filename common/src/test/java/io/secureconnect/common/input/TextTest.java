package io.secureconnect.common.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.secureconnect.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void acceptsUnicodeEmojiAndRightToLeftText() {
        assertEquals("ok \ud83d\ude00 \u05e9\u05dc\u05d5\u05dd \u202e", Text.line("name", "ok \ud83d\ude00 \u05e9\u05dc\u05d5\u05dd \u202e"));
        assertNull(Text.problem(null, false));
    }

    @Test
    void refusesANulNamingTheField() {
        ProblemException refused = assertThrows(ProblemException.class, () -> Text.line("name", "a\u0000b"));
        assertEquals("name", refused.errors().get(0).field());
        assertEquals("must not hold a NUL character", refused.errors().get(0).message());
    }

    @Test
    void allowsLineBreaksOnlyInMultiLineText() {
        assertEquals("a\nb\tc", Text.multiLine("description", "a\nb\tc"));
        assertThrows(ProblemException.class, () -> Text.line("name", "a\nb"));
        assertThrows(ProblemException.class, () -> Text.multiLine("description", "a\u0007b"));
    }

    @Test
    void refusesLoneSurrogates() {
        assertThrows(ProblemException.class, () -> Text.line("name", "a\ud800"));
        assertThrows(ProblemException.class, () -> Text.line("name", "\udc00a"));
    }
}
