package io.secureconnect.policy.connector;

import io.secureconnect.common.input.Text;
import io.secureconnect.common.problem.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The list filters, checked: a connector type, Secure Connect on or off, and tags ("key" or "key:value";
 * several tags must all match).
 */
public record ConnectorFilter(Optional<ConnectorType> type, Optional<Boolean> secureConnect, List<Tag> tags) {

    public record Tag(String key, Optional<String> value) {
    }

    static final int MAX_TAG_FILTERS = 10;

    public static ConnectorFilter parse(String type, String secureConnect, List<String> tags) {
        Optional<ConnectorType> connectorType = Optional.empty();
        if (type != null && !type.isEmpty()) {
            connectorType = Optional.of(ConnectorType.fromWire(type).orElseThrow(() -> ProblemException.invalidField(
                    "type", "unknown connector type '" + ConnectorRules.printable(type) + "'; one of "
                            + String.join(", ", ConnectorType.wireNames()))));
        }
        Optional<Boolean> enabled = Optional.empty();
        if (secureConnect != null && !secureConnect.isEmpty()) {
            if (!secureConnect.equals("true") && !secureConnect.equals("false")) {
                throw ProblemException.invalidField("secureConnect", "must be true or false");
            }
            enabled = Optional.of(Boolean.parseBoolean(secureConnect));
        }
        List<Tag> tagFilters = new ArrayList<>();
        List<String> given = tags == null ? List.of() : tags;
        if (given.size() > MAX_TAG_FILTERS) {
            throw ProblemException.invalidField("tag", "at most " + MAX_TAG_FILTERS + " tag filters");
        }
        for (String tag : given) {
            Text.line("tag", tag);
            int colon = tag.indexOf(':');
            String key = colon < 0 ? tag : tag.substring(0, colon);
            if (key.isBlank()) {
                throw ProblemException.invalidField("tag", "must be key or key:value");
            }
            tagFilters.add(new Tag(key, colon < 0 ? Optional.empty() : Optional.of(tag.substring(colon + 1))));
        }
        return new ConnectorFilter(connectorType, enabled, List.copyOf(tagFilters));
    }
}
