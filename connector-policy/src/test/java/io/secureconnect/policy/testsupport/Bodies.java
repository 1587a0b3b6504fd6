package io.secureconnect.policy.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/** Connector bodies as a Terraform provider would send them. */
public final class Bodies {

    private Bodies() {
    }

    public static Map<String, Object> connector(String identifier, String type, Map<String, Object> spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identifier", identifier);
        body.put("name", "Connector " + identifier);
        body.put("type", type);
        body.put("spec", spec);
        return body;
    }

    public static Map<String, Object> withUrl(String identifier, String type, String url) {
        return connector(identifier, type, Map.of("url", url));
    }

    public static Map<String, Object> gitHub(String identifier) {
        return withUrl(identifier, "GitHub", "https://github.myorg.com/platform/payments.git");
    }

    public static Map<String, Object> secureConnect(boolean enabled, Integer tunnelPort) {
        Map<String, Object> setting = new LinkedHashMap<>();
        setting.put("enabled", enabled);
        if (tunnelPort != null) {
            setting.put("tunnelPort", tunnelPort);
        }
        return setting;
    }
}
