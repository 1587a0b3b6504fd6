-- What every replica and gateway must learn quickly. Writers take a transaction-level advisory lock
-- before inserting, so sequence order is commit order and a reader polling "sequence > last" never
-- skips a row that commits late.
CREATE TABLE revocation_event (
    sequence           bigserial    PRIMARY KEY,
    account_id         varchar(128) NOT NULL,
    api_key_identifier varchar(128) NOT NULL,
    token_id           varchar(32)  NOT NULL,
    cause              varchar(16)  NOT NULL CHECK (cause IN ('REVOKED', 'EXPIRED', 'KEY_DELETED', 'ROTATED_OUT')),
    at                 timestamptz  NOT NULL DEFAULT clock_timestamp()
);

-- A token ends by time at most once, whichever replica's sweep sees it first.
CREATE UNIQUE INDEX revocation_event_end_once ON revocation_event (token_id, cause)
    WHERE cause IN ('EXPIRED', 'ROTATED_OUT');
CREATE INDEX revocation_event_by_time ON revocation_event (at);

-- Changes that are not revocations but make cached validation results stale: a rotation cut-off set on a
-- token, a role binding created or deleted for a principal. Polled like revocation_event.
CREATE TABLE cache_invalidation (
    sequence       bigserial    PRIMARY KEY,
    account_id     varchar(128) NOT NULL,
    token_id       varchar(32),
    principal_type varchar(16),
    principal_id   varchar(128),
    at             timestamptz  NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT cache_invalidation_target CHECK (token_id IS NOT NULL OR principal_id IS NOT NULL)
);
