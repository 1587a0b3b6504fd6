package io.secureconnect.common.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.security.AuthenticationFailedException;
import java.util.List;
import java.util.Optional;
import org.jose4j.jwt.consumer.ErrorCodeValidator;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.InvalidAlgorithmException;
import org.junit.jupiter.api.Test;

class TokenRefusalTest {

    private static final String SECRET_LOOKING = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

    private static Optional<String> reasonFor(int errorCode) {
        InvalidJwtException jwt = new InvalidJwtException("JWT rejected: " + SECRET_LOOKING,
                List.of(new ErrorCodeValidator.Error(errorCode, "detail quoting " + SECRET_LOOKING)), null);
        return TokenRefusal.reason(new AuthenticationFailedException(jwt), SECRET_LOOKING);
    }

    @Test
    void namesEachKindOfBadTokenWithoutQuotingIt() {
        assertEquals("it has expired", reasonFor(ErrorCodes.EXPIRED).orElseThrow());
        assertEquals("it is not valid yet", reasonFor(ErrorCodes.NOT_YET_VALID).orElseThrow());
        assertEquals("it was issued by another issuer", reasonFor(ErrorCodes.ISSUER_INVALID).orElseThrow());
        assertEquals("it is meant for another audience", reasonFor(ErrorCodes.AUDIENCE_INVALID).orElseThrow());
        assertEquals("its signature does not verify", reasonFor(ErrorCodes.SIGNATURE_INVALID).orElseThrow());
        assertTrue(!reasonFor(ErrorCodes.MISCELLANEOUS).orElseThrow().contains(SECRET_LOOKING));
    }

    @Test
    void namesADisallowedAlgorithm() {
        AuthenticationFailedException failure = new AuthenticationFailedException(
                new InvalidAlgorithmException("'none' is not a permitted algorithm"));
        assertTrue(TokenRefusal.reason(failure, SECRET_LOOKING).orElseThrow().contains("alg none"));
    }

    @Test
    void tellsAnUnsignedTokenByItsHeaderWhenTheFailureCarriesNoCause() {
        String none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";
        assertTrue(TokenRefusal.reason(new AuthenticationFailedException(), none).orElseThrow().contains("alg none"));
        assertEquals("it is not a JWT signed with a key the provider publishes",
                TokenRefusal.reason(new AuthenticationFailedException(), SECRET_LOOKING).orElseThrow());
        assertEquals("it is not a JWT signed with a key the provider publishes",
                TokenRefusal.reason(new AuthenticationFailedException(), "not-a-jwt").orElseThrow());
    }

    @Test
    void leavesFailuresThatAreNotTheTokensFaultToTheCaller() {
        assertEquals(Optional.empty(), TokenRefusal.reason(new IllegalStateException("connection refused"), SECRET_LOOKING));
    }
}
