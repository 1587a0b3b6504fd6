package io.secureconnect.registry.web;

import io.secureconnect.common.input.Identifiers;
import io.secureconnect.common.problem.Problem;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.registry.lease.LeaseRules;
import io.secureconnect.registry.pool.PortPool;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/** Checks REST query and path parameters before anything is read, with errors that name the parameter. */
@Singleton
public class Params {

    @Inject
    PortPool pool;

    public String account(String accountIdentifier) {
        Identifiers.require("accountIdentifier", accountIdentifier);
        if (accountIdentifier.length() > LeaseRules.MAX_ACCOUNT) {
            throw ProblemException.invalidField("accountIdentifier", "must be at most " + LeaseRules.MAX_ACCOUNT
                    + " characters");
        }
        return accountIdentifier;
    }

    /** A port of the pool given as text: "30001abc", "-1", "65536" and ports outside the pool are refused. */
    public int port(String field, String text) {
        return pool.parse(text).orElseThrow(() -> new ProblemException(400, "PORT_OUT_OF_RANGE",
                field + ": '" + shown(text) + "' " + pool.rule(),
                List.of(new Problem.FieldError(field, pool.rule())), Map.of()));
    }

    private static String shown(String text) {
        if (text == null) {
            return "";
        }
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 20 ? printable.substring(0, 20) + "..." : printable;
    }
}
