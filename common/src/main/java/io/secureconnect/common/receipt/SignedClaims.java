package io.secureconnect.common.receipt;

/**
 * Claims with their signature and the signer's DER certificate: the three fields of the proto's {@code LeaseReceipt}
 * ({@code secureconnect/keyvalidator/v1/key_validator.proto}), which each service maps from its generated message.
 * The claims stay the serialized bytes that were signed, so that both ends check the very same bytes.
 */
public record SignedClaims(byte[] claims, byte[] signature, byte[] signerCertificate) {
}
