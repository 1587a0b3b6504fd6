package io.secureconnect.registry;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.secureconnect.testing.IdentityResource;

/** Every test run of this module: tunnel-registry's own identity and gRPC port (see {@link IdentityResource}). */
@QuarkusTestResource(value = IdentityResource.class, restrictToAnnotatedClass = false,
        initArgs = @ResourceArg(name = "peer", value = "service/tunnel-registry"))
public final class TestIdentity {

    private TestIdentity() {
    }
}
