-- core_connector_access: what an API key or OIDC identity needs to resolve a build network (connector-policy
-- ResolveBuildNetwork) for the connectors a build names, checked over each connector (CONNECTOR resources) so that
-- a key whose resource group names connector a cannot resolve connector b. It replaces core_pipeline_execute
-- there: a PIPELINE permission, and the request names no pipeline.
INSERT INTO permission (identifier, resource_type, description) VALUES
    ('core_connector_access', 'CONNECTOR', 'Use a connector from a build: resolve its build network');

-- _account_admin holds every permission (V3 granted it the catalogue of then); builds run by pipeline executors use
-- connectors (the role held core_pipeline_execute, which resolving needed until now). Connector admins manage
-- connectors but using one from a build (a proxy credential into the tunnel) is a separate right: not granted.
INSERT INTO role_permission (role_identifier, permission_identifier) VALUES
    ('_account_admin',     'core_connector_access'),
    ('_pipeline_executor', 'core_connector_access');
