package io.secureconnect.keyvalidator.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.keyvalidator.secret.ApiKeyType;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenStringTest {

    @Test
    void generatesPatForUsersAndSatForServiceAccountsWith256BitSecrets() {
        TokenString user = TokenString.generate(ApiKeyType.USER, "acct_1");
        TokenString service = TokenString.generate(ApiKeyType.SERVICE_ACCOUNT, "acct_1");
        assertTrue(user.reveal().startsWith("pat.acct_1."));
        assertTrue(service.reveal().startsWith("sat.acct_1."));
        assertEquals(32, Base64.getUrlDecoder().decode(user.secret()).length);
        assertNotEquals(user.secret(), service.secret());
        assertEquals(user.reveal(), TokenString.parse(user.reveal()).orElseThrow().reveal());
    }

    @Test
    void neverShowsTheSecretInToString() {
        TokenString token = TokenString.generate(ApiKeyType.USER, "acct_1");
        assertFalse(token.toString().contains(token.secret()));
        assertTrue(token.toString().endsWith(".<hidden>"));
    }

    @ParameterizedTest(name = "refuses \"{0}\"")
    @ValueSource(strings = {"", "pat", "pat.acct.only", "xat.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.extra",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAé",
            "pat.9acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.acct.short.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAAA.short",
            " pat.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat..AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.acct..AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAAA.",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.",
            ".pat.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "patx.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pa.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "PAT.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAA=.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.acct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pat.ac-ct.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void refusesMalformedTokens(String value) {
        assertTrue(TokenString.parse(value).isEmpty());
    }

    @Test
    void parsesEachPartOfAWellFormedToken() {
        TokenString token = TokenString.parse("sat._acct_9.Ab-_0123456789abcdefgh.zZ-_" + "0".repeat(39)).orElseThrow();
        assertEquals(ApiKeyType.SERVICE_ACCOUNT, token.type());
        assertEquals("_acct_9", token.accountId());
        assertEquals("Ab-_0123456789abcdefgh", token.tokenId());
        assertEquals("zZ-_" + "0".repeat(39), token.secret());
    }

    @Test
    void refusesTenKilobytesAndNull() {
        assertTrue(TokenString.parse("pat." + "a".repeat(10_240)).isEmpty());
        assertTrue(TokenString.parse(null).isEmpty());
    }
}
