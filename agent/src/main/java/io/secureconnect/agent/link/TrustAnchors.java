package io.secureconnect.agent.link;

import io.secureconnect.agent.config.PemCertificates;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Decides whether to trust the gateway's certificate: the system's trust store, plus the GATEWAY_CA PEM
 * file when given. Delegates with the socket/engine so the JDK checks the host name as well.
 */
public final class TrustAnchors extends X509ExtendedTrustManager {

    private final List<X509ExtendedTrustManager> delegates;

    private TrustAnchors(List<X509ExtendedTrustManager> delegates) {
        this.delegates = List.copyOf(delegates);
    }

    public static TrustAnchors load(Optional<Path> gatewayCa) throws IOException, GeneralSecurityException {
        List<X509ExtendedTrustManager> delegates = new ArrayList<>();
        delegates.add(fromKeyStore(null));
        if (gatewayCa.isPresent()) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate certificate : PemCertificates.parse(Files.readString(gatewayCa.get()))) {
                store.setCertificateEntry("gateway-ca-" + i++, certificate);
            }
            delegates.add(fromKeyStore(store));
        }
        return new TrustAnchors(delegates);
    }

    private static X509ExtendedTrustManager fromKeyStore(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X509ExtendedTrustManager from " + factory.getAlgorithm());
    }

    private interface Check {
        void run(X509ExtendedTrustManager manager) throws CertificateException;
    }

    /**
     * Trusted when any delegate trusts it. Otherwise the error told is the most telling one: a store that knows the
     * issuer but finds the host name not covered says more than one that does not know the issuer at all.
     */
    private void anyTrusts(Check check) throws CertificateException {
        List<CertificateException> failures = new ArrayList<>();
        for (X509ExtendedTrustManager delegate : delegates) {
            try {
                check.run(delegate);
                return;
            } catch (CertificateException e) {
                failures.add(e);
            }
        }
        CertificateException told = failures.stream().filter(e -> !unknownIssuer(e)).findFirst()
                .orElse(failures.get(0));
        failures.stream().filter(e -> e != told).forEach(told::addSuppressed);
        throw told;
    }

    private static boolean unknownIssuer(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof java.security.cert.CertPathBuilderException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        anyTrusts(manager -> manager.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        anyTrusts(manager -> manager.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        anyTrusts(manager -> manager.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the agent does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the agent does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the agent does not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegates.stream().flatMap(d -> Arrays.stream(d.getAcceptedIssuers())).toArray(X509Certificate[]::new);
    }
}
