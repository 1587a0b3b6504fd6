package io.secureconnect.policy.oidc;

import io.secureconnect.common.input.Identifiers;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.policy.config.PolicyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The per-account issuer URLs: {@code <public-base-url>/oidc/account/<accountId>}. */
@ApplicationScoped
public class Issuers {

    public static final String PATH = "/oidc/account/";

    @Inject
    PolicyConfig config;

    public boolean enabled() {
        return config.oidc().enabled();
    }

    public String issuer(String accountId) {
        String base = config.oidc().publicBaseUrl().orElseThrow(() -> new IllegalStateException(
                PolicyConfig.Oidc.PUBLIC_BASE_URL + " is not set"));
        return stripSlash(base) + PATH + accountId;
    }

    /** For the public endpoints: 404 while the issuer is off, 400 for an account id that cannot exist. */
    String requirePublished(String accountId) {
        if (!enabled()) {
            throw ProblemException.notFound("the OIDC issuer is not enabled on this platform");
        }
        if (!Identifiers.isValid(accountId)) {
            throw ProblemException.invalidField("accountId", Identifiers.RULE);
        }
        return issuer(accountId);
    }

    static String stripSlash(String url) {
        String trimmed = url.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
