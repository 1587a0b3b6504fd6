package io.secureconnect.common.keys;

import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.proto.keyvalidator.v1.Resource;
import io.secureconnect.proto.keyvalidator.v1.ResourceScope;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.util.Set;

/**
 * Between common's {@link Target} / {@link Coverage} and ValidateToken's resource, coverage_scope and coverage
 * (key_validator.proto says what they mean). The resource-group rules stay in key-validator: nothing here decides.
 */
public final class KeyValidatorTargets {

    private KeyValidatorTargets() {
    }

    public static void ask(ValidateTokenRequest.Builder request, Target target) {
        if (target instanceof Target.One one) {
            request.setResource(resource(one.resource()));
        } else if (target instanceof Target.Several several) {
            several.resources().forEach(resource -> request.addResources(resource(resource)));
        } else if (target instanceof Target.Listing listing) {
            request.setCoverageScope(scope(listing.orgId(), listing.projectId()));
        }
    }

    /** What the answer covers; nothing when it names no coverage or a kind this build does not know (fail closed). */
    public static Coverage coverage(ValidateTokenResponse answer) {
        if (!answer.hasCoverage()) {
            return Coverage.NONE;
        }
        return switch (answer.getCoverage().getKind()) {
            case COVERAGE_KIND_ALL -> Coverage.ALL;
            case COVERAGE_KIND_IDENTIFIERS -> Coverage.of(Set.copyOf(answer.getCoverage().getIdentifiersList()));
            default -> Coverage.NONE;
        };
    }

    private static Resource resource(ResourceRef resource) {
        return Resource.newBuilder().setType(resource.type()).setIdentifier(resource.identifier())
                .setScope(scope(resource.orgId(), resource.projectId())).build();
    }

    private static ResourceScope scope(String org, String project) {
        return ResourceScope.newBuilder().setOrgId(org).setProjectId(project).build();
    }
}
