package io.secureconnect.keyvalidator.role;

import io.quarkus.panache.common.Sort;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

/** The built-in roles that role bindings refer to. Public, like the permission list. */
@Path("/api/v1/roles")
@SecurityRequirements({})
@Produces(MediaType.APPLICATION_JSON)
public class RoleResource {

    @GET
    @Transactional
    @Operation(summary = "List the built-in roles and their permissions")
    public List<RoleView> list() {
        return Role.<Role>listAll(Sort.by("identifier")).stream().map(RoleView::of).toList();
    }
}
