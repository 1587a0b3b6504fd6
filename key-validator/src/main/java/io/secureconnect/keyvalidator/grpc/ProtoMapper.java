package io.secureconnect.keyvalidator.grpc;

import com.google.protobuf.Timestamp;
import io.secureconnect.keyvalidator.apikey.ApiKeyType;
import io.secureconnect.keyvalidator.revocation.RevocationRow;
import io.secureconnect.keyvalidator.validation.TokenRecord;
import io.secureconnect.keyvalidator.validation.Validation;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyType;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.RevocationCause;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.time.Instant;

/** Between validation results / revocation rows and their proto messages. */
final class ProtoMapper {

    private ProtoMapper() {
    }

    static ValidateTokenResponse response(Validation validation) {
        ValidateTokenResponse.Builder response = ValidateTokenResponse.newBuilder().setValid(validation.valid())
                .setMessage(validation.message());
        if (validation.valid()) {
            response.setPrincipal(principal(validation.record()))
                    .addAllGrantedPermissions(validation.grantedPermissions())
                    .setValidUntil(timestamp(validation.validUntil()));
        } else {
            response.setReason(DenialReason.valueOf("DENIAL_REASON_" + validation.reason().name()))
                    .addAllMissingPermissions(validation.missingPermissions());
        }
        return response.build();
    }

    static RevocationEvent event(RevocationRow row) {
        return RevocationEvent.newBuilder().setSequence(row.sequence()).setAccountId(row.accountId())
                .setApiKeyId(row.apiKeyIdentifier()).setTokenId(row.tokenId())
                .setCause(RevocationCause.valueOf("REVOCATION_CAUSE_" + row.cause().name()))
                .setAt(timestamp(row.at())).build();
    }

    static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static Principal principal(TokenRecord record) {
        return Principal.newBuilder().setAccountId(record.keyScope().accountId()).setOrgId(record.keyScope().orgId())
                .setProjectId(record.keyScope().projectId()).setApiKeyId(record.apiKeyIdentifier())
                .setTokenId(record.tokenId()).setParentId(record.parentId())
                .setKeyType(record.keyType() == ApiKeyType.USER ? KeyType.KEY_TYPE_USER : KeyType.KEY_TYPE_SERVICE_ACCOUNT)
                .build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
