package io.secureconnect.policy.connector;

import io.secureconnect.common.input.Identifiers;
import io.secureconnect.common.problem.ProblemException;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** Harness-style scope query parameters: the account always, org and project when the connector lives there. */
public class ScopeQuery {

    @QueryParam("accountIdentifier")
    @Parameter(required = true, description = "The account the connector belongs to")
    public String accountIdentifier;

    @QueryParam("orgIdentifier")
    @Parameter(description = "The org, for org- and project-level connectors")
    public String orgIdentifier;

    @QueryParam("projectIdentifier")
    @Parameter(description = "The project, for project-level connectors (needs orgIdentifier)")
    public String projectIdentifier;

    /** The checked scope; 400 naming the parameter at fault. */
    public Scope scope() {
        return scope(accountIdentifier, orgIdentifier, projectIdentifier);
    }

    static Scope scope(String account, String org, String project) {
        if (account == null || account.isEmpty()) {
            throw ProblemException.invalidField("accountIdentifier", "is required");
        }
        if (!Identifiers.isValid(account)) {
            throw ProblemException.invalidField("accountIdentifier", Identifiers.RULE);
        }
        String orgId = org == null ? "" : org;
        String projectId = project == null ? "" : project;
        if (!orgId.isEmpty() && !ConnectorRules.validIdentifier(orgId)) {
            throw ProblemException.invalidField("orgIdentifier", Identifiers.RULE);
        }
        if (!projectId.isEmpty() && !ConnectorRules.validIdentifier(projectId)) {
            throw ProblemException.invalidField("projectIdentifier", Identifiers.RULE);
        }
        if (!projectId.isEmpty() && orgId.isEmpty()) {
            throw ProblemException.invalidField("orgIdentifier", "is required with projectIdentifier");
        }
        return new Scope(account, orgId, projectId);
    }
}
