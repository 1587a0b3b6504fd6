package io.secureconnect.policy.oidc;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Base64;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

/**
 * The public face of each account's issuer: discovery and JWKS, without authentication (AWS and GCP fetch them).
 * Every account's issuer publishes the platform's key set.
 */
@Path("/oidc/account/{accountId}")
@SecurityRequirements({})
@Produces(MediaType.APPLICATION_JSON)
public class IssuerResource {

    static final List<String> CLAIMS = List.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "account_id",
            "organization_id", "project_id", "connector_id", "build_id", "context");
    /** Short, so that verifiers caching the key set see a rotated-in key soon. */
    private static final int MAX_AGE_SECONDS = 300;

    @Inject
    Issuers issuers;

    @Inject
    SigningKeys keys;

    @GET
    @Path("/.well-known/openid-configuration")
    @Operation(summary = "OpenID Provider metadata of the account's issuer (no authentication)")
    @APIResponse(responseCode = "200", description = "The metadata",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OpenIdConfiguration.class)))
    public Response discovery(@PathParam("accountId") String accountId) {
        String issuer = issuers.requirePublished(accountId);
        return cached(new OpenIdConfiguration(issuer, issuer + "/jwks", List.of("id_token"), List.of("public"),
                List.of(SigningKeys.ALGORITHM), CLAIMS));
    }

    @GET
    @Path("/jwks")
    @Operation(summary = "The public keys that verify the account's ID tokens (no authentication)")
    @APIResponse(responseCode = "200", description = "The key set",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JsonWebKeySet.class)))
    public Response jwks(@PathParam("accountId") String accountId) {
        issuers.requirePublished(accountId);
        List<SigningKeys.PublishedKey> published = keys.published();
        if (published.isEmpty()) {
            // The first issuer request of a fresh platform makes the first key, so that JWKS is never empty.
            keys.current();
            published = keys.published();
        }
        return cached(new JsonWebKeySet(published.stream().map(IssuerResource::jwk).toList()));
    }

    private static JsonWebKeySet.PublicJsonWebKey jwk(SigningKeys.PublishedKey key) {
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        return new JsonWebKeySet.PublicJsonWebKey("RSA", key.kid(), "sig", key.algorithm(),
                url.encodeToString(unsigned(key.publicKey().getModulus().toByteArray())),
                url.encodeToString(unsigned(key.publicKey().getPublicExponent().toByteArray())));
    }

    /** Big-endian magnitude without the sign byte (RFC 7518 6.3.1). */
    private static byte[] unsigned(byte[] twosComplement) {
        if (twosComplement.length > 1 && twosComplement[0] == 0) {
            return java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length);
        }
        return twosComplement;
    }

    private static Response cached(Object body) {
        CacheControl cache = new CacheControl();
        cache.setMaxAge(MAX_AGE_SECONDS);
        return Response.ok(body).cacheControl(cache).build();
    }
}
