package io.secureconnect.common.oidc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * How a verified OIDC access token becomes a {@link io.secureconnect.common.auth.Caller} (prefix
 * {@code secureconnect.oidc}). The provider itself is quarkus-oidc's default tenant ({@code quarkus.oidc.*}):
 * off unless {@code quarkus.oidc.tenant-enabled=true}.
 *
 * <ul>
 * <li>the account is the string claim {@link #accountClaim()} (a token without it may act on no account);</li>
 * <li>the org and project, when present, narrow the token's scope like an API key's;</li>
 * <li>permissions are the token's roles (Keycloak realm roles, and client roles of this service's
 * {@code quarkus.oidc.client-id}) named exactly like the permission identifiers, e.g. {@code core_connector_edit};
 * </li>
 * <li>the ABAC resource scope is "All" when the token holds the role {@link #abacAllRole()}.</li>
 * </ul>
 */
@ConfigMapping(prefix = "secureconnect.oidc")
public interface OidcSettings {

    /** The claim naming the account the token may act on. */
    @WithDefault("account_id")
    String accountClaim();

    /** The claim naming the organization the token is limited to, if any. */
    @WithDefault("org_id")
    String orgClaim();

    /** The claim naming the project the token is limited to, if any. */
    @WithDefault("project_id")
    String projectClaim();

    /** The role that gives the token an ABAC resource scope of "All". */
    @WithDefault("sc_abac_all")
    String abacAllRole();

    /** How long a REST call waits for a token to be verified (normally local: cached keys) before 503. */
    @WithDefault("10s")
    Duration verifyTimeout();
}
