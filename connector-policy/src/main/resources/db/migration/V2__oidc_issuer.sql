-- OIDC credentials of cloud connectors: an Aws connector names a role and the region of STS; a Gcp connector names
-- a workload identity pool and provider, the service account to impersonate and the project number.
ALTER TABLE connector
    ADD COLUMN oidc_role_arn              varchar(2048),
    ADD COLUMN oidc_region                varchar(32),
    ADD COLUMN oidc_workload_pool_id      varchar(32),
    ADD COLUMN oidc_provider_id           varchar(32),
    ADD COLUMN oidc_service_account_email varchar(320),
    ADD COLUMN oidc_project_number        varchar(20),
    -- The last line of defence behind the API's 400: OIDC fields only on their type, and all of them or none.
    ADD CONSTRAINT connector_oidc_aws CHECK (
        (oidc_role_arn IS NULL AND oidc_region IS NULL)
        OR (type = 'Aws' AND oidc_role_arn IS NOT NULL AND oidc_region IS NOT NULL)),
    ADD CONSTRAINT connector_oidc_gcp CHECK (
        (oidc_workload_pool_id IS NULL AND oidc_provider_id IS NULL AND oidc_service_account_email IS NULL
            AND oidc_project_number IS NULL)
        OR (type = 'Gcp' AND oidc_workload_pool_id IS NOT NULL AND oidc_provider_id IS NOT NULL
            AND oidc_service_account_email IS NOT NULL AND oidc_project_number ~ '^[1-9][0-9]{0,19}$'));

-- The platform's ID-token signing keys (one key set; every account has its own issuer URL).
-- The private key is sealed with AES-256-GCM under the configured key-encryption key: 12-byte nonce || ciphertext
-- and tag, with the kid as associated data. The plaintext key never reaches the database.
CREATE TABLE oidc_signing_key (
    kid                varchar(64)  PRIMARY KEY,
    algorithm          varchar(16)  NOT NULL CHECK (algorithm = 'RS256'),
    public_key         bytea        NOT NULL,
    private_key_sealed bytea        NOT NULL,
    created_at         timestamptz  NOT NULL,
    -- Set when a newer key takes over signing; the key stays published until its last tokens have expired.
    retired_at         timestamptz,
    CONSTRAINT oidc_signing_key_retired_after_created CHECK (retired_at IS NULL OR retired_at >= created_at)
);

-- At most one key signs at a time, whatever the number of replicas rotating at once.
CREATE UNIQUE INDEX oidc_signing_key_one_active ON oidc_signing_key ((true)) WHERE retired_at IS NULL;
