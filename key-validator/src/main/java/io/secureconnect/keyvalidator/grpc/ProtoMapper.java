package io.secureconnect.keyvalidator.grpc;

import com.google.protobuf.Timestamp;
import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.keyvalidator.revocation.RevocationRow;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.validation.InvalidResourceException;
import io.secureconnect.keyvalidator.validation.TokenRecord;
import io.secureconnect.keyvalidator.validation.TokenValidator;
import io.secureconnect.keyvalidator.validation.Validation;
import io.secureconnect.proto.keyvalidator.v1.CoverageKind;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyType;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.Resource;
import io.secureconnect.proto.keyvalidator.v1.ResourceCoverage;
import io.secureconnect.proto.keyvalidator.v1.RevocationCause;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.time.Instant;
import java.util.List;

/** Between validation results / revocation rows and their proto messages. */
final class ProtoMapper {

    /** ValidateTokenRequest.resources holds at most this many (the contract says so). */
    static final int MAX_RESOURCES = 100;

    private ProtoMapper() {
    }

    /** The check a request asks for; a resource together with a coverage scope is {@link InvalidResourceException}. */
    static TokenValidator.Check check(ValidateTokenRequest request) {
        Target target = Target.ownScope();
        if (request.getResourcesCount() > 0) {
            if (request.hasResource() || request.hasCoverageScope()) {
                throw new InvalidResourceException("resources", "is not combined with resource or coverage_scope");
            }
            if (request.getResourcesCount() > MAX_RESOURCES) {
                throw new InvalidResourceException("resources", "at most " + MAX_RESOURCES + " resources per check");
            }
            target = Target.resources(request.getResourcesList().stream().map(ProtoMapper::resource).toList());
        } else if (request.hasResource()) {
            if (request.hasCoverageScope()) {
                throw new InvalidResourceException("coverage_scope", "is for a check without a resource");
            }
            target = Target.resource(resource(request.getResource()));
        } else if (request.hasCoverageScope()) {
            target = Target.listing(request.getCoverageScope().getOrgId(), request.getCoverageScope().getProjectId());
        }
        return new TokenValidator.Check(request.getToken(), List.copyOf(request.getRequiredPermissionsList()),
                request.getRequireAbacAll(), request.getExpectedAccountId(), target);
    }

    private static ResourceRef resource(Resource resource) {
        return new ResourceRef(resource.getType(), resource.getIdentifier(), resource.getScope().getOrgId(),
                resource.getScope().getProjectId());
    }

    static ValidateTokenResponse response(Validation validation) {
        ValidateTokenResponse.Builder response = ValidateTokenResponse.newBuilder().setValid(validation.valid())
                .setMessage(validation.message());
        if (validation.valid()) {
            response.setPrincipal(principal(validation.record()))
                    .addAllGrantedPermissions(validation.grantedPermissions())
                    .setValidUntil(timestamp(validation.validUntil()));
            if (validation.coverage() != null) {
                response.setCoverage(coverage(validation.coverageType(), validation.coverage()));
            }
        } else {
            response.setReason(DenialReason.valueOf("DENIAL_REASON_" + validation.reason().name()))
                    .addAllMissingPermissions(validation.missingPermissions());
            if (validation.reason() == io.secureconnect.keyvalidator.validation.DenialReason.ABAC_SCOPE_TOO_NARROW
                    && validation.record() != null) {
                response.setPrincipal(principal(validation.record()));
            }
        }
        return response.build();
    }

    private static ResourceCoverage coverage(String type, Coverage coverage) {
        if (coverage.all()) {
            return ResourceCoverage.newBuilder().setResourceType(type).setKind(CoverageKind.COVERAGE_KIND_ALL).build();
        }
        return ResourceCoverage.newBuilder().setResourceType(type).setKind(CoverageKind.COVERAGE_KIND_IDENTIFIERS)
                .addAllIdentifiers(coverage.identifiers().stream().sorted().toList()).build();
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
