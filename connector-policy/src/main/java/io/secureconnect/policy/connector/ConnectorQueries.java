package io.secureconnect.policy.connector;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.secureconnect.common.auth.Coverage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/** Reads of many connectors: a filtered page of one scope, of the connectors the caller's resource groups cover. */
@ApplicationScoped
public class ConnectorQueries {

    /** A page of connectors and the number of all that match. */
    public record Found(List<Connector> connectors, long total) {
    }

    /** A page of the scope's connectors that match the filter and that {@code covered} names (all: every one). */
    @Transactional
    public Found list(Scope scope, ConnectorFilter filter, Coverage covered, int page, int limit) {
        if (!covered.all() && covered.identifiers().isEmpty()) {
            return new Found(List.of(), 0);
        }
        StringBuilder query = new StringBuilder(
                "from Connector c where c.accountId = :account and c.orgId = :org and c.projectId = :project");
        Parameters parameters = Parameters.with("account", scope.accountId()).and("org", scope.orgId())
                .and("project", scope.projectId());
        if (!covered.all()) {
            query.append(" and c.identifier in :covered");
            parameters.and("covered", covered.identifiers());
        }
        if (filter.type().isPresent()) {
            query.append(" and c.type = :type");
            parameters.and("type", filter.type().get().wireName());
        }
        if (filter.secureConnect().isPresent()) {
            query.append(" and c.secureConnectEnabled = :secureConnect");
            parameters.and("secureConnect", filter.secureConnect().get());
        }
        for (int i = 0; i < filter.tags().size(); i++) {
            ConnectorFilter.Tag tag = filter.tags().get(i);
            query.append(" and exists (select 1 from Connector t").append(i).append(" join t").append(i)
                    .append(".tags v").append(i).append(" where t").append(i).append(".id = c.id and key(v")
                    .append(i).append(") = :tagKey").append(i);
            parameters.and("tagKey" + i, tag.key());
            if (tag.value().isPresent()) {
                query.append(" and value(v").append(i).append(") = :tagValue").append(i);
                parameters.and("tagValue" + i, tag.value().get());
            }
            query.append(')');
        }
        PanacheQuery<Connector> found = Connector.find(query.toString(), Sort.by("c.identifier"), parameters);
        List<Connector> connectors = found.page(Page.of(page, limit)).list();
        connectors.forEach(connector -> connector.tags.size());
        return new Found(connectors, found.count());
    }
}
