package io.secureconnect.keyvalidator.permission;

import io.quarkus.panache.common.Sort;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

/** The closed list of permission identifiers that keys, roles and ValidateToken use. */
@Path("/api/v1/permissions")
@SecurityRequirements({})
@Produces(MediaType.APPLICATION_JSON)
public class PermissionResource {

    @GET
    @Operation(summary = "List every permission identifier")
    public List<PermissionView> list() {
        return Permission.<Permission>listAll(Sort.by("identifier")).stream().map(PermissionView::of).toList();
    }
}
