package io.secureconnect.policy.oidc;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.secureconnect.policy.config.PolicyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * The platform's ID-token signing keys (one key set for every account's issuer), kept in PostgreSQL sealed by
 * {@link KeyCipher}. Rotation with overlap: a new key is made when none is active or the active one is older than
 * {@code rotation-period}; the old one is retired (signs no more) but stays published for {@code token-lifetime +
 * publish-margin}, until every token it signed has expired, and is then dropped. Replicas rotate safely: the
 * rotation runs under a PostgreSQL advisory lock and re-checks, and a unique index allows one active key.
 */
@ApplicationScoped
public class SigningKeys {

    static final String ALGORITHM = "RS256";
    /** The advisory lock that serialises rotations across replicas ("sc-oidc" in ASCII). */
    static final long ROTATION_LOCK = 0x73632d6f696463L;
    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    /** A key that may sign now. */
    public record ActiveKey(String kid, PrivateKey privateKey) {
        @Override
        public String toString() {
            return "ActiveKey[kid=" + kid + "]";
        }
    }

    /** A key that verifiers may see. */
    public record PublishedKey(String kid, String algorithm, RSAPublicKey publicKey) {
    }

    @Inject
    PolicyConfig config;

    private final Map<String, PrivateKey> opened = new ConcurrentHashMap<>();
    private volatile KeyCipher cipher;

    /** The key that signs now, made (or rotated) first when needed. */
    public ActiveKey current() {
        Instant now = Instant.now();
        SigningKey active = QuarkusTransaction.joiningExisting().call(() ->
                SigningKey.<SigningKey>find("retiredAt is null").firstResultOptional()
                        .filter(key -> !tooOld(key, now)).orElse(null));
        return open(active != null ? active : rotate(now, false));
    }

    /** Every key a verifier may need now: the active one and the retired ones whose tokens may still live. */
    public List<PublishedKey> published() {
        Instant cutoff = Instant.now().minus(retention());
        List<SigningKey> keys = QuarkusTransaction.joiningExisting().call(() -> SigningKey.<SigningKey>list(
                "retiredAt is null or retiredAt > ?1 order by createdAt desc", cutoff));
        return keys.stream().map(key -> new PublishedKey(key.kid, key.algorithm, publicKey(key))).toList();
    }

    /**
     * Makes a new active key unless another replica just did (or {@code force}, for tests), retires the old one
     * and deletes the keys no token can need any more. Package-private: tests force a rotation with it.
     */
    SigningKey rotate(Instant now, boolean force) {
        return QuarkusTransaction.requiringNew().call(() -> {
            SigningKey.getEntityManager().createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?1)) AS l")
                    .setParameter(1, ROTATION_LOCK).getSingleResult();
            Optional<SigningKey> active = SigningKey.find("retiredAt is null").firstResultOptional();
            if (active.isPresent() && !force && !tooOld(active.get(), now)) {
                return active.get();
            }
            active.ifPresent(key -> key.retiredAt = now);
            SigningKey.flush();
            SigningKey fresh = generate(now);
            fresh.persistAndFlush();
            long dropped = SigningKey.delete("retiredAt is not null and retiredAt <= ?1", now.minus(retention()));
            LOG.infof("OIDC signing key rotated: new kid=%s retired=%s dropped=%d", fresh.kid,
                    active.map(key -> key.kid).orElse("none"), dropped);
            return fresh;
        });
    }

    /** How long a retired key stays published. */
    Duration retention() {
        return config.oidc().tokenLifetime().plus(config.oidc().publishMargin());
    }

    private boolean tooOld(SigningKey key, Instant now) {
        return !key.createdAt.plus(config.oidc().rotationPeriod()).isAfter(now);
    }

    private SigningKey generate(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            SigningKey key = new SigningKey();
            key.kid = new RsaJsonWebKey((RSAPublicKey) pair.getPublic()).calculateBase64urlEncodedThumbprint("SHA-256");
            key.algorithm = ALGORITHM;
            key.publicKey = pair.getPublic().getEncoded();
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            key.privateKeySealed = cipher().seal(key.kid, pkcs8);
            Arrays.fill(pkcs8, (byte) 0);
            key.createdAt = now.truncatedTo(ChronoUnit.MICROS);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation is not available", e);
        }
    }

    private ActiveKey open(SigningKey key) {
        PrivateKey privateKey = opened.computeIfAbsent(key.kid, kid -> {
            try {
                byte[] pkcs8 = cipher().open(kid, key.privateKeySealed);
                try {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                } finally {
                    Arrays.fill(pkcs8, (byte) 0);
                }
            } catch (GeneralSecurityException e) {
                // Another key-encryption key than the one that sealed it, or a damaged row.
                throw new IllegalStateException("OIDC signing key " + kid + " cannot be opened with the configured "
                        + PolicyConfig.Oidc.KEY_ENCRYPTION_KEY);
            }
        });
        return new ActiveKey(key.kid, privateKey);
    }

    private static RSAPublicKey publicKey(SigningKey key) {
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(key.publicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("OIDC signing key " + key.kid + " has a damaged public key", e);
        }
    }

    private KeyCipher cipher() {
        KeyCipher current = cipher;
        if (current == null) {
            String kek = config.oidc().keyEncryptionKey().orElseThrow(() -> new IllegalStateException(
                    PolicyConfig.Oidc.KEY_ENCRYPTION_KEY + " is not set"));
            current = KeyCipher.fromBase64(kek);
            cipher = current;
        }
        return current;
    }
}
