package io.secureconnect.policy.connector;

import io.secureconnect.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.util.Optional;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Connector writes, each in one transaction. Uniqueness is the database's unique constraint; concurrent
 * writers are told apart by the version column (If-Match compares it, and Hibernate's versioned UPDATE
 * catches a writer that slipped in between the read and the write).
 */
@ApplicationScoped
public class ConnectorStore {

    static final String UNIQUE_SCOPE_IDENTIFIER = "connector_scope_identifier_key";

    @Transactional
    public Connector create(Scope scope, ConnectorDraft draft) {
        Connector connector = new Connector();
        connector.accountId = scope.accountId();
        connector.orgId = scope.orgId();
        connector.projectId = scope.projectId();
        connector.identifier = draft.identifier();
        draft.applyTo(connector);
        try {
            connector.persistAndFlush();
        } catch (PersistenceException e) {
            if (violates(e, UNIQUE_SCOPE_IDENTIFIER)) {
                throw ProblemException.conflict("DUPLICATE_IDENTIFIER", "a connector '"
                        + scope.describe(draft.identifier()) + "' already exists in this account");
            }
            throw e;
        }
        return connector;
    }

    @Transactional
    public Connector get(Scope scope, String identifier) {
        Connector connector = find(scope, identifier).orElseThrow(() -> notFound(scope, identifier));
        connector.tags.size();
        return connector;
    }

    @Transactional
    public Connector replace(Scope scope, String identifier, ConnectorDraft draft, Optional<Long> expectedVersion) {
        Connector connector = current(scope, identifier, expectedVersion);
        draft.applyTo(connector);
        return flushed(connector, scope, identifier);
    }

    @Transactional
    public Connector switchSecureConnect(Scope scope, String identifier, SecureConnectSetting setting,
            Optional<Long> expectedVersion) {
        Connector connector = current(scope, identifier, expectedVersion);
        ConnectorRules.requireCompatible(connector.connectorType(),
                ConnectionMode.valueOf(connector.connectionMode), setting.enabled());
        connector.secureConnectEnabled = setting.enabled();
        connector.tunnelPort = setting.tunnelPort();
        return flushed(connector, scope, identifier);
    }

    @Transactional
    public void delete(Scope scope, String identifier, Optional<Long> expectedVersion) {
        Connector connector = current(scope, identifier, expectedVersion);
        connector.delete();
        flushed(connector, scope, identifier);
    }

    private Connector current(Scope scope, String identifier, Optional<Long> expectedVersion) {
        Connector connector = find(scope, identifier).orElseThrow(() -> notFound(scope, identifier));
        if (expectedVersion.isPresent() && expectedVersion.get() != connector.version) {
            throw stale(scope, identifier, connector.version);
        }
        connector.tags.size();
        return connector;
    }

    private Connector flushed(Connector connector, Scope scope, String identifier) {
        try {
            Connector.flush();
        } catch (OptimisticLockException | org.hibernate.StaleStateException e) {
            throw stale(scope, identifier, -1);
        }
        return connector;
    }

    static Optional<Connector> find(Scope scope, String identifier) {
        return Connector.find("accountId = ?1 and orgId = ?2 and projectId = ?3 and identifier = ?4",
                scope.accountId(), scope.orgId(), scope.projectId(), identifier).firstResultOptional();
    }

    static ProblemException notFound(Scope scope, String identifier) {
        return ProblemException.notFound("no connector '" + scope.describe(identifier) + "' in account "
                + scope.accountId());
    }

    private static ProblemException stale(Scope scope, String identifier, long current) {
        String now = current >= 0 ? " (it is now at version " + current + ")" : "";
        return ProblemException.preconditionFailed("connector '" + scope.describe(identifier)
                + "' changed since you read it" + now + "; read it again and retry");
    }

    private static boolean violates(Throwable e, String constraint) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConstraintViolationException violation && violation.getConstraintName() != null
                    && violation.getConstraintName().contains(constraint)) {
                return true;
            }
        }
        return false;
    }
}
