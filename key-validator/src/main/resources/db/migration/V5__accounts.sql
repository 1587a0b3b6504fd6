-- Accounts: the tenants. A platform operator creates each one, with its first admin key, over REST
-- (POST /api/v1/accounts); the bootstrap account, where the first admin key is made on first start, is the
-- platform operator's own. API keys and role bindings keep naming their account by identifier.
CREATE TABLE account (
    identifier varchar(128) PRIMARY KEY CHECK (identifier ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    name       varchar(128) NOT NULL CHECK (length(btrim(name)) > 0),
    created_at timestamptz  NOT NULL DEFAULT now()
);

-- Accounts that exist already, named by their keys and bindings.
INSERT INTO account (identifier, name)
    SELECT account_id, account_id FROM api_key
    UNION
    SELECT account_id, account_id FROM role_binding
ON CONFLICT DO NOTHING;

-- Creating accounts is the platform operator's: a permission of its own, in a role that no other built-in role
-- includes. It counts only in the operator's account (secureconnect.keys.bootstrap.account): a tenant that binds
-- the role in its own account gains nothing.
INSERT INTO permission (identifier, resource_type, description) VALUES
    ('platform_account_manage', 'ACCOUNT',
     'Create accounts and their first admin key; counts only in the platform operator''s account');

INSERT INTO role (identifier, name, description) VALUES
    ('_platform_operator', 'Platform Operator', 'Create accounts (only in the platform operator''s account)');
INSERT INTO role_permission (role_identifier, permission_identifier) VALUES
    ('_platform_operator', 'platform_account_manage');
UPDATE role SET description = 'Every permission of an account' WHERE identifier = '_account_admin';

-- The bootstrap key made before this migration becomes the platform operator too.
INSERT INTO role_binding (account_id, org_id, project_id, identifier, role_identifier, principal_type, principal_id,
                          include_all_resources)
    SELECT account_id, '', '', 'bootstrap_admin_platform_operator', '_platform_operator', 'SERVICE_ACCOUNT', identifier, true
    FROM api_key WHERE identifier = 'bootstrap_admin' AND org_id = '' AND project_id = ''
ON CONFLICT DO NOTHING;
