package io.secureconnect.keyvalidator.acl;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of Harness's ACL check. */
public record AclRequest(@Schema(required = true) List<AclItem> permissions) {
}
