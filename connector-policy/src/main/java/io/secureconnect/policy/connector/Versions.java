package io.secureconnect.policy.connector;

import io.secureconnect.common.problem.ProblemException;
import jakarta.ws.rs.core.EntityTag;
import java.util.Optional;

/** ETag and If-Match: the ETag of a connector is its version, e.g. {@code "3"}. */
final class Versions {

    private Versions() {
    }

    static EntityTag etag(Connector connector) {
        return new EntityTag(String.valueOf(connector.version));
    }

    /** The version an If-Match demands; empty when absent or "*". A value that names no version is stale. */
    static Optional<Long> expected(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return Optional.empty();
        }
        String value = ifMatch.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            return Optional.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw ProblemException.preconditionFailed("If-Match must be an ETag of this connector, like \"3\"");
        }
    }
}
