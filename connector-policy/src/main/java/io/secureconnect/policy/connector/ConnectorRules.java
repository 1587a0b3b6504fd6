package io.secureconnect.policy.connector;

import io.secureconnect.common.input.Text;
import io.secureconnect.common.input.Identifiers;
import io.secureconnect.common.problem.Problem;
import io.secureconnect.common.problem.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Checks a connector body and turns it into a {@link ConnectorDraft}. Every field at fault is named in one
 * 400 answer; the Secure Connect rules that depend on valid fields answer 422.
 */
public final class ConnectorRules {

    /** The one identifier rule of every service ({@link Identifiers}), for connectors, orgs, projects, accounts. */
    public static final String IDENTIFIER_PATTERN = Identifiers.PATTERN;
    /**
     * The protocol's limits only. Which ports form the pool is tunnel-registry's setting, the one definition of the
     * range: ResolveBuildNetwork asks the registry for the port and answers one outside the pool with
     * PORT_OUT_OF_RANGE naming it, so a change of the pool needs no copy here (and no rewrite of stored connectors).
     */
    public static final int MIN_TUNNEL_PORT = 1;
    public static final int MAX_TUNNEL_PORT = 65535;
    static final int MAX_NAME = 128;
    static final int MAX_DESCRIPTION = 1024;
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_TEXT = 128;

    private final List<Problem.FieldError> errors = new ArrayList<>();

    private ConnectorRules() {
    }

    public static ConnectorDraft check(ConnectorInput input) {
        if (input == null) {
            throw ProblemException.badRequest("MISSING_BODY", "send the connector as a JSON body");
        }
        ConnectorRules rules = new ConnectorRules();
        rules.identifier("identifier", input.identifier());
        rules.name(input.name());
        if (input.description() != null && input.description().length() > MAX_DESCRIPTION) {
            rules.error("description", "must be at most " + MAX_DESCRIPTION + " characters");
        } else {
            rules.text("description", input.description(), true);
        }
        SortedMap<String, String> tags = rules.tags(input.tags());
        ConnectorType type = rules.type(input.type());
        if (type != null) {
            rules.spec(type, input.spec());
        }
        ConnectionMode mode = rules.mode(input.connectionMode());
        SecureConnectSetting secureConnect = input.secureConnect() == null
                ? new SecureConnectSetting(false, null) : input.secureConnect();
        rules.secureConnect("secureConnect.", secureConnect);
        rules.throwIfAny();
        ConnectorSpec spec = input.spec();
        ConnectorDraft draft = new ConnectorDraft(input.identifier(), input.name(), input.description(), tags, type,
                spec.url(), spec.region(), spec.project(), spec.oidc(), mode, secureConnect.enabled(), secureConnect.tunnelPort());
        requireCompatible(type, mode, draft.secureConnectEnabled());
        return draft;
    }

    /** The body of the one-call switch. */
    public static SecureConnectSetting checkSwitch(SecureConnectSetting setting) {
        if (setting == null) {
            throw ProblemException.badRequest("MISSING_BODY", "send {\"enabled\": true} or {\"enabled\": false}");
        }
        ConnectorRules rules = new ConnectorRules();
        rules.secureConnect("", setting);
        rules.throwIfAny();
        return setting;
    }

    /** 422 when Secure Connect is asked for where it cannot work; nothing is changed. */
    public static void requireCompatible(ConnectorType type, ConnectionMode mode, boolean secureConnectEnabled) {
        if (!secureConnectEnabled) {
            return;
        }
        if (!type.secureConnectCompatible()) {
            throw ProblemException.unprocessable("SECURE_CONNECT_INCOMPATIBLE",
                    "Secure Connect cannot be enabled on a " + type.wireName() + " connector; compatible types: "
                            + String.join(", ", ConnectorType.compatibleWireNames()));
        }
        if (mode != ConnectionMode.PLATFORM) {
            throw ProblemException.unprocessable("SECURE_CONNECT_REQUIRES_PLATFORM",
                    "Secure Connect is for connectors that connect through the platform; this connector runs on "
                            + "the customer's infrastructure (connectionMode CUSTOMER_INFRASTRUCTURE), which reaches "
                            + "private hosts without a tunnel");
        }
    }

    /** Checks a scope identifier (org or project) from a query parameter or a gRPC reference. */
    public static boolean validIdentifier(String value) {
        return Identifiers.isValid(value);
    }

    private void identifier(String field, String value) {
        if (value == null || value.isEmpty()) {
            error(field, "is required");
        } else if (!validIdentifier(value)) {
            error(field, Identifiers.RULE);
        }
    }

    private void name(String value) {
        if (value == null || value.isBlank()) {
            error("name", "is required");
        } else if (value.length() > MAX_NAME) {
            error("name", "must be at most " + MAX_NAME + " characters");
        } else {
            text("name", value, false);
        }
    }

    private SortedMap<String, String> tags(Map<String, String> tags) {
        SortedMap<String, String> checked = new TreeMap<>();
        if (tags == null) {
            return checked;
        }
        if (tags.size() > MAX_TAGS) {
            error("tags", "at most " + MAX_TAGS + " tags");
            return checked;
        }
        tags.forEach((key, value) -> {
            if (key.isBlank() || key.length() > MAX_TAG_TEXT || key.contains(":")) {
                error("tags." + printable(key), "a tag key must be 1 to " + MAX_TAG_TEXT + " characters without ':'");
            } else if (value != null && value.length() > MAX_TAG_TEXT) {
                error("tags." + printable(key), "a tag value must be at most " + MAX_TAG_TEXT + " characters");
            } else if (Text.problem(key, false) != null || Text.problem(value, false) != null) {
                error("tags." + printable(key), "a tag " + (Text.problem(key, false) != null
                        ? "key " + Text.problem(key, false) : "value " + Text.problem(value, false)));
            } else {
                checked.put(key, value == null ? "" : value);
            }
        });
        return checked;
    }

    private ConnectorType type(String value) {
        if (value == null || value.isEmpty()) {
            error("type", "is required; one of " + String.join(", ", ConnectorType.wireNames()));
            return null;
        }
        return ConnectorType.fromWire(value).orElseGet(() -> {
            error("type", "unknown connector type '" + printable(value) + "'; one of "
                    + String.join(", ", ConnectorType.wireNames()));
            return null;
        });
    }

    private void spec(ConnectorType type, ConnectorSpec spec) {
        if (spec == null) {
            error("spec", "is required for " + type.wireName() + " connectors");
            return;
        }
        String usedBy = " is not used by " + type.wireName() + " connectors";
        OidcRules.check(type, spec.oidc(), this::error);
        switch (type.specKind()) {
            case GIT_URL, HTTP_URL -> {
                EndpointUrl.Checked url = EndpointUrl.check(spec.url(), type.specKind() == ConnectorType.SpecKind.GIT_URL
                        ? EndpointUrl.GIT_SCHEMES : EndpointUrl.HTTP_SCHEMES);
                if (!url.ok()) {
                    error("spec.url", url.problem());
                }
                forbid("spec.region", spec.region(), usedBy);
                forbid("spec.project", spec.project(), usedBy);
            }
            case AWS_REGION -> {
                if (spec.region() == null || !ImpliedHosts.AWS_REGION.matcher(spec.region()).matches()) {
                    error("spec.region", "must be an AWS region such as us-east-1 or eu-west-2");
                }
                forbid("spec.url", spec.url(), usedBy + " (they imply the regional AWS API hosts)");
                forbid("spec.project", spec.project(), usedBy);
            }
            case GCP_PROJECT -> {
                if (spec.project() == null || !ImpliedHosts.GCP_PROJECT.matcher(spec.project()).matches()) {
                    error("spec.project", "must be a GCP project id: 6 to 30 lower-case letters, digits or '-', "
                            + "starting with a letter");
                }
                forbid("spec.url", spec.url(), usedBy + " (they imply the Google API hosts)");
                forbid("spec.region", spec.region(), usedBy);
            }
        }
    }

    private ConnectionMode mode(String value) {
        if (value == null) {
            return ConnectionMode.PLATFORM;
        }
        return ConnectionMode.fromWire(value).orElseGet(() -> {
            error("connectionMode", "must be PLATFORM or CUSTOMER_INFRASTRUCTURE");
            return ConnectionMode.PLATFORM;
        });
    }

    private void secureConnect(String prefix, SecureConnectSetting setting) {
        if (setting.enabled() == null) {
            error(prefix + "enabled", "is required (true or false)");
        }
        Integer port = setting.tunnelPort();
        if (port != null && (port < MIN_TUNNEL_PORT || port > MAX_TUNNEL_PORT)) {
            error(prefix + "tunnelPort", "must be from " + MIN_TUNNEL_PORT + " to " + MAX_TUNNEL_PORT);
        }
    }

    private void text(String field, String value, boolean multiLine) {
        String problem = Text.problem(value, multiLine);
        if (problem != null) {
            error(field, problem);
        }
    }

    private void forbid(String field, String value, String why) {
        if (value != null) {
            error(field, why);
        }
    }

    private void error(String field, String message) {
        errors.add(new Problem.FieldError(field, message));
    }

    private void throwIfAny() {
        if (errors.isEmpty()) {
            return;
        }
        String detail = errors.stream().map(e -> e.field() + ": " + e.message())
                .reduce((a, b) -> a + "; " + b).orElseThrow();
        throw new ProblemException(400, "INVALID_FIELD", detail, errors, Map.of());
    }

    /** Echo of an input value in a message: short and printable. */
    static String printable(String value) {
        String cleaned = value.replaceAll("[^\\x20-\\x7e]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }
}
