-- The closed list of permission identifiers (RBAC). Roles and keys refer to these rows.
CREATE TABLE permission (
    identifier    varchar(64)  PRIMARY KEY CHECK (identifier ~ '^[a-z][a-z0-9_]{2,63}$'),
    resource_type varchar(32)  NOT NULL,
    description   varchar(200) NOT NULL
);

INSERT INTO permission (identifier, resource_type, description) VALUES
    ('core_pipeline_view',        'PIPELINE',       'View pipelines; the minimum an agent''s API key needs to open a tunnel'),
    ('core_pipeline_execute',     'PIPELINE',       'Run pipelines'),
    ('core_connector_view',       'CONNECTOR',      'View connectors and their Secure Connect setting'),
    ('core_connector_edit',       'CONNECTOR',      'Create and change connectors, and switch Secure Connect on or off'),
    ('core_connector_delete',     'CONNECTOR',      'Delete connectors'),
    ('core_secureconnect_manage', 'SECURE_CONNECT', 'See tunnels and force-release their ports'),
    ('core_apikey_manage',        'API_KEY',        'Create, rotate and revoke API keys and tokens');
