package io.secureconnect.registry.pool;

import io.secureconnect.registry.config.RegistryConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.regex.Pattern;

/** The ports every account leases from ({@code secureconnect.registry.ports.first..last}). */
@Singleton
public class PortPool {

    private static final Pattern DIGITS = Pattern.compile("^[0-9]{1,9}$");

    private final int first;
    private final int last;

    @Inject
    public PortPool(RegistryConfig config) {
        this(config.ports().first(), config.ports().last());
    }

    public PortPool(int first, int last) {
        this.first = first;
        this.last = last;
    }

    public int first() {
        return first;
    }

    public int last() {
        return last;
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    /** What every "bad port" error says, e.g. "must be an integer from 30000 to 30099". */
    public String rule() {
        return "must be an integer from " + first + " to " + last;
    }

    /** A port given as text (REST path, frp fork body), or empty when it is not a port of the pool. */
    public Optional<Integer> parse(String text) {
        if (text == null || !DIGITS.matcher(text.trim()).matches()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(text.trim());
        return contains(port) ? Optional.of(port) : Optional.empty();
    }
}
