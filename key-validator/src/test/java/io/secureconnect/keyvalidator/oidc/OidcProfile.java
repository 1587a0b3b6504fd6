package io.secureconnect.keyvalidator.oidc;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;

/** key-validator with an OIDC provider ({@link FakeOidcProvider}) and gRPC auth required, as in production. */
public class OidcProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeOidcProvider.class));
    }
}
