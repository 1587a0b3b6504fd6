package io.secureconnect.agent.dial;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network, e.g. {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefix) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]*:[0-9a-f:.]*");

    /** Parses an address or address/prefix. Never consults DNS: only IP literals are accepted. */
    public static Optional<Cidr> parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            return Optional.empty();
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String number = text.substring(slash + 1);
            if (number.isEmpty() || number.length() > 3 || !number.chars().allMatch(Character::isDigit)) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(number);
            if (prefix > bits) {
                return Optional.empty();
            }
        }
        return Optional.of(new Cidr(mask(bytes, prefix), prefix));
    }

    /** The bytes of an IPv4 or IPv6 literal, or null when the text is not one. */
    static byte[] literal(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !IPV6.matcher(text).matches()) {
            return null;
        }
        if (v4) {
            for (String octet : text.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null; // else the JDK would look the text up as a host name
                }
            }
        }
        try {
            byte[] bytes = InetAddress.getByName(text).getAddress();
            if (v4 && bytes.length != 4) {
                return null;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        return candidate.length == network.length && java.util.Arrays.equals(mask(candidate, prefix), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - keep));
        }
        return masked;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefix == that.prefix && java.util.Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefix;
    }
}
