package io.secureconnect.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Locale;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * CPU time of one Ed25519 sign and verify of a build-credential-sized payload (200 bytes): the JDK's provider
 * (what {@code BuildCredentialCodec} uses) against BouncyCastle's, on this thread, after a warm-up round.
 */
public final class Ed25519Cost {

    private static final int CALLS = 3000;

    private Ed25519Cost() {
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        byte[] message = new byte[200];
        KeyPair jdkKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Ed25519PrivateKeyParameters bcKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        Ed25519PublicKeyParameters bcPublic = bcKey.generatePublicKey();
        byte[] jdkSignature = jdkSign(jdkKeys, message);
        byte[] bcSignature = bcSign(bcKey, message);
        for (int round = 0; round < 3; round++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < CALLS; i++) {
                message[0] = (byte) i;
                jdkSign(jdkKeys, message);
            }
            long t1 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < CALLS; i++) {
                message[0] = (byte) i;
                bcSign(bcKey, message);
            }
            long t2 = threads.getCurrentThreadCpuTime();
            message[0] = 0;
            for (int i = 0; i < CALLS; i++) {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(jdkKeys.getPublic());
                verifier.update(message);
                verifier.verify(jdkSignature);
            }
            long t3 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < CALLS; i++) {
                Ed25519Signer verifier = new Ed25519Signer();
                verifier.init(false, bcPublic);
                verifier.update(message, 0, message.length);
                verifier.verifySignature(bcSignature);
            }
            long t4 = threads.getCurrentThreadCpuTime();
            System.out.printf(Locale.ROOT, "round %d (%s): sign JDK %.0f us, BouncyCastle %.0f us; verify JDK %.0f us,"
                    + " BouncyCastle %.0f us (CPU per call)%n", round, round == 0 ? "warm-up" : "measured",
                    (t1 - t0) / 1e3 / CALLS, (t2 - t1) / 1e3 / CALLS, (t3 - t2) / 1e3 / CALLS, (t4 - t3) / 1e3 / CALLS);
        }
    }

    private static byte[] jdkSign(KeyPair keys, byte[] message) throws Exception {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(message);
        return signer.sign();
    }

    private static byte[] bcSign(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }
}
