-- Roles: named sets of permissions from the closed list. Built-in roles only (seeded here).
CREATE TABLE role (
    identifier  varchar(128) PRIMARY KEY CHECK (identifier ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    name        varchar(128) NOT NULL,
    description varchar(200) NOT NULL
);

CREATE TABLE role_permission (
    role_identifier       varchar(128) NOT NULL REFERENCES role (identifier) ON DELETE CASCADE,
    permission_identifier varchar(64)  NOT NULL REFERENCES permission (identifier),
    PRIMARY KEY (role_identifier, permission_identifier)
);

INSERT INTO role (identifier, name, description) VALUES
    ('_account_admin',       'Account Admin',        'Every permission'),
    ('_account_viewer',      'Account Viewer',       'View pipelines and connectors'),
    ('_pipeline_viewer',     'Pipeline Viewer',      'View pipelines: what a Secure Connect agent key needs'),
    ('_pipeline_executor',   'Pipeline Executor',    'View and run pipelines'),
    ('_connector_admin',     'Connector Admin',      'View, change and delete connectors'),
    ('_secureconnect_admin', 'Secure Connect Admin', 'See tunnels and force-release ports'),
    ('_apikey_admin',        'API Key Admin',        'Manage API keys, tokens and role bindings');

INSERT INTO role_permission (role_identifier, permission_identifier)
    SELECT '_account_admin', identifier FROM permission;
INSERT INTO role_permission (role_identifier, permission_identifier) VALUES
    ('_account_viewer',      'core_pipeline_view'),
    ('_account_viewer',      'core_connector_view'),
    ('_pipeline_viewer',     'core_pipeline_view'),
    ('_pipeline_executor',   'core_pipeline_view'),
    ('_pipeline_executor',   'core_pipeline_execute'),
    ('_connector_admin',     'core_connector_view'),
    ('_connector_admin',     'core_connector_edit'),
    ('_connector_admin',     'core_connector_delete'),
    ('_secureconnect_admin', 'core_secureconnect_manage'),
    ('_apikey_admin',        'core_apikey_manage');

-- Binds a principal (the parent of API keys: a user or a service account) to a role over a resource group
-- at a scope. The resource group is inline: every resource of the scope (include_all_resources), or the
-- resources matching all of the attribute conditions (a JSON array of {"attribute","value"}).
CREATE TABLE role_binding (
    id                    bigserial    PRIMARY KEY,
    account_id            varchar(128) NOT NULL CHECK (account_id ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    org_id                varchar(128) NOT NULL DEFAULT '',
    project_id            varchar(128) NOT NULL DEFAULT '',
    identifier            varchar(128) NOT NULL CHECK (identifier ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    role_identifier       varchar(128) NOT NULL REFERENCES role (identifier),
    principal_type        varchar(16)  NOT NULL CHECK (principal_type IN ('USER', 'SERVICE_ACCOUNT')),
    principal_id          varchar(128) NOT NULL CHECK (principal_id ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    include_all_resources boolean      NOT NULL,
    conditions            jsonb        NOT NULL DEFAULT '[]',
    created_at            timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT role_binding_identifier_unique UNIQUE (account_id, org_id, project_id, identifier),
    CONSTRAINT role_binding_filter CHECK (include_all_resources OR jsonb_array_length(conditions) > 0),
    CONSTRAINT role_binding_project_needs_org CHECK (project_id = '' OR org_id <> '')
);

CREATE INDEX role_binding_by_principal ON role_binding (account_id, principal_type, principal_id);
