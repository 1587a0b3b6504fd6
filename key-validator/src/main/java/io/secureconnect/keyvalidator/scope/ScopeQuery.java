package io.secureconnect.keyvalidator.scope;

import io.secureconnect.common.problem.ProblemException;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** The Harness-style scope query parameters every REST call of this service takes. */
public class ScopeQuery {

    @QueryParam("accountIdentifier")
    @Parameter(description = "Account of the object", required = true)
    public String accountIdentifier;

    @QueryParam("orgIdentifier")
    @Parameter(description = "Organization of the object; absent at account scope")
    public String orgIdentifier;

    @QueryParam("projectIdentifier")
    @Parameter(description = "Project of the object; needs orgIdentifier")
    public String projectIdentifier;

    /** The scope, or 400 naming the parameter at fault. */
    public Scope toScope() {
        if (accountIdentifier == null || accountIdentifier.isBlank()) {
            throw ProblemException.invalidField("accountIdentifier", "is required");
        }
        check("accountIdentifier", accountIdentifier);
        String org = blankToEmpty(orgIdentifier);
        String project = blankToEmpty(projectIdentifier);
        if (!org.isEmpty()) {
            check("orgIdentifier", org);
        }
        if (!project.isEmpty()) {
            check("projectIdentifier", project);
            if (org.isEmpty()) {
                throw ProblemException.invalidField("orgIdentifier", "is required with projectIdentifier");
            }
        }
        return new Scope(accountIdentifier, org, project);
    }

    private static void check(String field, String value) {
        if (!Identifiers.isValid(value)) {
            throw ProblemException.invalidField(field, Identifiers.RULE);
        }
    }

    private static String blankToEmpty(String value) {
        return value == null || value.isBlank() ? "" : value;
    }
}
