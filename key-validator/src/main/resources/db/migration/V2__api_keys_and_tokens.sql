-- API keys and their tokens. Scopes: account (required), org and project ('' when absent).
-- Identifiers follow Harness: ^[a-zA-Z_][0-9a-zA-Z_]{0,127}$.
CREATE TABLE api_key (
    id                        bigserial     PRIMARY KEY,
    account_id                varchar(128)  NOT NULL CHECK (account_id ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    org_id                    varchar(128)  NOT NULL DEFAULT '' CHECK (org_id = '' OR org_id ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    project_id                varchar(128)  NOT NULL DEFAULT '' CHECK (project_id = '' OR project_id ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    identifier                varchar(128)  NOT NULL CHECK (identifier ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    name                      varchar(128)  NOT NULL,
    description               varchar(1024) NOT NULL DEFAULT '',
    tags                      jsonb         NOT NULL DEFAULT '{}',
    key_type                  varchar(16)   NOT NULL CHECK (key_type IN ('USER', 'SERVICE_ACCOUNT')),
    parent_id                 varchar(128)  NOT NULL CHECK (parent_id ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    default_token_lifetime_ms bigint        NOT NULL CHECK (default_token_lifetime_ms > 0),
    created_at                timestamptz   NOT NULL DEFAULT now(),
    updated_at                timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT api_key_identifier_unique UNIQUE (account_id, org_id, project_id, identifier),
    CONSTRAINT api_key_project_needs_org CHECK (project_id = '' OR org_id <> '')
);

-- One row per token generation. id is the <tokenId> segment of the token string (random, globally unique);
-- identifier is the name users give it, unique among the current (not rotated-out) tokens of a key.
-- Only HMAC-SHA-256(pepper, secret) is stored, never the secret.
CREATE TABLE token (
    id                    varchar(32)   PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{22}$'),
    api_key_id            bigint        NOT NULL REFERENCES api_key (id) ON DELETE CASCADE,
    identifier            varchar(128)  NOT NULL CHECK (identifier ~ '^[a-zA-Z_][0-9a-zA-Z_]{0,127}$'),
    name                  varchar(128)  NOT NULL,
    description           varchar(1024) NOT NULL DEFAULT '',
    tags                  jsonb         NOT NULL DEFAULT '{}',
    secret_hash           bytea         NOT NULL CHECK (length(secret_hash) = 32),
    valid_from            timestamptz   NOT NULL,
    valid_to              timestamptz   NOT NULL,
    -- the rotation cut-off: after it the token stops working although valid_to may be later
    scheduled_expire_time timestamptz,
    rotated_at            timestamptz,
    revoked_at            timestamptz,
    -- set once the expiry sweep has written the EXPIRED / ROTATED_OUT revocation event
    end_announced_at      timestamptz,
    last_used_at          timestamptz,
    created_at            timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT token_valid_range CHECK (valid_to > valid_from)
);

CREATE UNIQUE INDEX token_current_identifier_unique ON token (api_key_id, identifier) WHERE rotated_at IS NULL;
CREATE INDEX token_by_key ON token (api_key_id);
CREATE INDEX token_end_pending ON token ((LEAST(valid_to, COALESCE(scheduled_expire_time, valid_to))))
    WHERE end_announced_at IS NULL AND revoked_at IS NULL;
