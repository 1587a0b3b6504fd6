package io.secureconnect.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The names a server certificate is valid for (its subjectAltName DNS and IP entries, as TLS clients check them: the
 * subject's CN is not looked at), and whether a host is one of them: exact, or one left-most label under a
 * {@code *.} wildcard.
 */
public final class CertificateNames {

    private static final int DNS = 2;
    private static final int IP = 7;

    private final List<String> dns;
    private final List<InetAddress> ips;

    private CertificateNames(List<String> dns, List<InetAddress> ips) {
        this.dns = dns;
        this.ips = ips;
    }

    /** The names of the first certificate (the server's own) of a PEM chain. */
    public static CertificateNames of(Path chain) {
        try (InputStream in = Files.newInputStream(chain)) {
            return of((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("cannot read the certificate: " + e.getMessage(), e);
        }
    }

    static CertificateNames of(X509Certificate certificate) throws CertificateParsingException {
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        for (List<?> name : names == null ? List.<List<?>>of() : names) {
            int type = (Integer) name.get(0);
            if (type == DNS) {
                dns.add(((String) name.get(1)).toLowerCase(Locale.ROOT));
            } else if (type == IP) {
                literal((String) name.get(1)).ifPresent(ips::add);
            }
        }
        return new CertificateNames(List.copyOf(dns), List.copyOf(ips));
    }

    public boolean covers(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        java.util.Optional<InetAddress> address = literal(bare);
        if (address.isPresent()) {
            return ips.contains(address.get());
        }
        String name = bare.toLowerCase(Locale.ROOT);
        for (String pattern : dns) {
            if (pattern.equals(name) || (pattern.startsWith("*.") && name.indexOf('.') > 0
                    && name.substring(name.indexOf('.')).equals(pattern.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        List<String> all = new ArrayList<>(dns);
        ips.forEach(ip -> all.add(ip.getHostAddress()));
        return String.join(", ", all);
    }

    /** An IP address literal, never a name lookup. */
    private static java.util.Optional<InetAddress> literal(String text) {
        boolean v4 = text.matches("[0-9.]+");
        boolean v6 = text.contains(":") && text.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }
}
