package io.secureconnect.keyvalidator.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.secureconnect.testing.IdentityResource;

/** Every test run of this module: key-validator's own identity and gRPC port (see {@link IdentityResource}). */
@QuarkusTestResource(value = IdentityResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "peer", value = "service/key-validator"))
public final class TestIdentity {

    /** The caller most tests call as: a gateway, which may validate tokens and watch revocations. */
    public static final String GATEWAY = "gateway/kv-test-gateway";

    private TestIdentity() {
    }
}
