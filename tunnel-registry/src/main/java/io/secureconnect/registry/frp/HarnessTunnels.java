package io.secureconnect.registry.frp;

import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.registry.lease.AcquireCommand;
import io.secureconnect.registry.lease.Grant;
import io.secureconnect.registry.lease.LeaseFailure;
import io.secureconnect.registry.lease.LeaseService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Registrations of Harness's frps fork: a registered port is a lease held until unregistered (the fork sends no
 * heartbeats). The user's credentials are stored only as SHA-256: they are a high-entropy secret checked for
 * equality, not a password, so a fast hash is enough to keep them unreadable at rest.
 */
@ApplicationScoped
public class HarnessTunnels {

    private static final Logger LOG = Logger.getLogger(HarnessTunnels.class);

    @Inject
    LeaseService leases;

    @Inject
    FrpLeases frp;

    @Transactional
    TunnelRegistrationView register(String accountId, int port, String apiKeyId, String credentials) {
        String gatewayId = frp.frpsGateway();
        Grant grant = leases.acquire(new AcquireCommand(accountId, port, apiKeyId, gatewayId, "", "", "", true));
        FrpRegistration registration = FrpRegistration.find(accountId, port);
        boolean created = registration == null;
        if (created) {
            registration = new FrpRegistration();
            registration.accountId = accountId;
            registration.port = port;
        }
        registration.apiKeyId = apiKeyId;
        registration.credentialsSha256 = sha256(credentials);
        registration.epoch = grant.lease().epoch();
        registration.registeredAt = grant.lease().acquiredAt().atOffset(ZoneOffset.UTC);
        if (created) {
            registration.persist();
        }
        LOG.infof("tunnel registered by frps: account=%s port=%d epoch=%d", accountId, port, grant.lease().epoch());
        return new TunnelRegistrationView(accountId, port, grant.lease().tunnelId(), grant.lease().epoch(),
                grant.lease().acquiredAt());
    }

    @Transactional
    void unregister(String accountId, int port, String credentials) {
        FrpRegistration registration = FrpRegistration.find(accountId, port);
        if (registration == null) {
            throw new ProblemException(404, "TUNNEL_NOT_REGISTERED", "no tunnel is registered on port " + port
                    + " of account " + accountId, List.of(), Map.of());
        }
        byte[] presented = sha256(credentials).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(presented, registration.credentialsSha256.getBytes(StandardCharsets.US_ASCII))) {
            throw ProblemException.forbidden("CREDENTIALS_MISMATCH",
                    "userCredentials differ from the ones port " + port + " was registered with");
        }
        try {
            leases.release(accountId, port, registration.epoch, frp.frpsGateway());
        } catch (LeaseFailure lostAlready) {
            // force-released and taken by another tunnel since: only the registration is left to remove
        }
        registration.delete();
        LOG.infof("tunnel unregistered by frps: account=%s port=%d", accountId, port);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
