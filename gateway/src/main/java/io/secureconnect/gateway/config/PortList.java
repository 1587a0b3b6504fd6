package io.secureconnect.gateway.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Parses the proxy port setting: comma-separated ports and ranges ("30000-30099,30200"), or "0". */
public final class PortList {

    static final int MAX_PORTS = 1024;
    private static final String ALLOWED =
            "must be \"0\" or comma-separated ports and ranges from 1 to 65535, e.g. 30000-30099";

    private PortList() {
    }

    /** The ports in order; {@code [0]} means one listener on an ephemeral port. */
    public static List<Integer> parse(String setting, String value) {
        if (value == null || value.isBlank()) {
            throw new SettingException(setting, "", ALLOWED);
        }
        if (value.trim().equals("0")) {
            return List.of(0);
        }
        Set<Integer> ports = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String item = part.trim();
            int dash = item.indexOf('-');
            int from = number(setting, value, dash < 0 ? item : item.substring(0, dash));
            int to = dash < 0 ? from : number(setting, value, item.substring(dash + 1));
            if (to < from) {
                throw new SettingException(setting, value, ALLOWED + " (range " + item + " runs backwards)");
            }
            for (int port = from; port <= to; port++) {
                ports.add(port);
            }
            if (ports.size() > MAX_PORTS) {
                throw new SettingException(setting, value, "must name at most " + MAX_PORTS + " ports");
            }
        }
        return new ArrayList<>(ports);
    }

    private static int number(String setting, String value, String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new SettingException(setting, value, ALLOWED);
    }
}
