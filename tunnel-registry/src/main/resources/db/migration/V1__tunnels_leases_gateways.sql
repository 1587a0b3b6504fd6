-- tunnel-registry schema. Every rule that correctness depends on (one live lease per account and port,
-- distinct fencing epochs, one end per epoch) is a constraint here, so that any number of replicas can race.

-- Every grant of any lease takes the next value: epochs are distinct and grow.
CREATE SEQUENCE lease_epoch_seq AS bigint START WITH 1;

-- Gateways register and heartbeat; a gateway whose expires_at has passed gets no new leases.
CREATE TABLE gateway (
    gateway_id     varchar(128) PRIMARY KEY CHECK (gateway_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
    agent_endpoint varchar(255) NOT NULL,
    proxy_host     varchar(255) NOT NULL,
    version        varchar(64)  NOT NULL DEFAULT '',
    registered_at  timestamptz  NOT NULL DEFAULT now(),
    last_heartbeat timestamptz  NOT NULL DEFAULT now(),
    expires_at     timestamptz  NOT NULL
);

-- The current (or last) lease of each (account, port): the primary key is the "at most one" rule.
-- LIVE holds the port until expires_at; EXPIRED still reserves it for the same API key for the grace
-- period; RELEASED and FORCE_RELEASED free it at once. 'infinity' expires_at: held until released
-- (registrations through Harness's frps fork, which never heartbeat).
CREATE TABLE lease (
    account_id  varchar(64)  NOT NULL CHECK (account_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    port        integer      NOT NULL CHECK (port BETWEEN 1 AND 65535),
    epoch       bigint       NOT NULL UNIQUE,
    tunnel_id   uuid         NOT NULL,
    api_key_id  varchar(128) NOT NULL CHECK (api_key_id <> ''),
    gateway_id  varchar(128) NOT NULL,
    agent_id    varchar(128) NOT NULL DEFAULT '',
    state       varchar(16)  NOT NULL CHECK (state IN ('LIVE', 'EXPIRED', 'RELEASED', 'FORCE_RELEASED')),
    resumed     boolean      NOT NULL DEFAULT false,
    acquired_at timestamptz  NOT NULL,
    expires_at  timestamptz  NOT NULL,
    ended_at    timestamptz,
    PRIMARY KEY (account_id, port),
    CHECK ((state = 'LIVE') = (ended_at IS NULL))
);
CREATE INDEX lease_live_expiry ON lease (expires_at) WHERE state = 'LIVE';

-- One row per tunnel (an agent's connection holding a port; a resumption keeps it). lease.tunnel_id
-- names the current one of each (account, port); older rows are history.
CREATE TABLE tunnel (
    tunnel_id          uuid         PRIMARY KEY,
    account_id         varchar(64)  NOT NULL,
    port               integer      NOT NULL,
    api_key_id         varchar(128) NOT NULL,
    gateway_id         varchar(128) NOT NULL,
    agent_id           varchar(128) NOT NULL DEFAULT '',
    agent_host         varchar(255) NOT NULL DEFAULT '',
    agent_version      varchar(64)  NOT NULL DEFAULT '',
    status             varchar(16)  NOT NULL CHECK (status IN ('CONNECTED', 'DISCONNECTED')),
    connected_since    timestamptz  NOT NULL,
    disconnected_since timestamptz,
    last_heartbeat     timestamptz  NOT NULL,
    bytes_in           bigint       NOT NULL DEFAULT 0 CHECK (bytes_in >= 0),
    bytes_out          bigint       NOT NULL DEFAULT 0 CHECK (bytes_out >= 0),
    CHECK ((status = 'CONNECTED') = (disconnected_since IS NULL))
);
CREATE INDEX tunnel_account_port ON tunnel (account_id, port);

-- Every lease change, written in the transaction that made it. Gateways read the ones that concern them
-- (WatchLeaseEvents) in commit order: xid orders them by writing transaction, and a reader only takes
-- events of transactions older than every transaction still running.
CREATE TABLE lease_event (
    id          bigserial    PRIMARY KEY,
    xid         xid8         NOT NULL DEFAULT pg_current_xact_id(),
    type        varchar(16)  NOT NULL
                CHECK (type IN ('ACQUIRED', 'RELEASED', 'FORCE_RELEASED', 'EXPIRED', 'SUPERSEDED')),
    account_id  varchar(64)  NOT NULL,
    port        integer      NOT NULL,
    epoch       bigint       NOT NULL,
    tunnel_id   uuid         NOT NULL,
    api_key_id  varchar(128) NOT NULL,
    gateway_id  varchar(128) NOT NULL,
    acquired_at timestamptz  NOT NULL,
    expires_at  timestamptz  NOT NULL,
    at          timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX lease_event_gateway_xid ON lease_event (gateway_id, xid);
-- Each epoch is granted once and ends once.
CREATE UNIQUE INDEX lease_event_one_grant_per_epoch ON lease_event (epoch) WHERE type = 'ACQUIRED';
CREATE UNIQUE INDEX lease_event_one_end_per_epoch ON lease_event (epoch) WHERE type <> 'ACQUIRED';

-- frp server-plugin: a frpc login (run_id) and the account and API key it proved. frps may call any
-- replica, so this lives here and not in memory. The API key itself is never stored.
CREATE TABLE frp_session (
    run_id         varchar(128) PRIMARY KEY,
    account_id     varchar(64)  NOT NULL,
    api_key_id     varchar(128) NOT NULL,
    hostname       varchar(255) NOT NULL DEFAULT '',
    client_address varchar(255) NOT NULL DEFAULT '',
    frpc_version   varchar(64)  NOT NULL DEFAULT '',
    logged_in_at   timestamptz  NOT NULL DEFAULT now(),
    last_seen      timestamptz  NOT NULL DEFAULT now()
);

-- frp proxies of a login and the lease each holds; CloseProxy names only the proxy.
CREATE TABLE frp_proxy (
    run_id     varchar(128) NOT NULL REFERENCES frp_session (run_id) ON DELETE CASCADE,
    proxy_name varchar(255) NOT NULL,
    account_id varchar(64)  NOT NULL,
    port       integer      NOT NULL,
    epoch      bigint       NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, proxy_name)
);

-- Tunnels registered by Harness's own frps fork (POST /ng/api/tunnel). userCredentials is kept only as
-- its SHA-256 (hex), to check that an unregistration comes with the same credentials.
CREATE TABLE frp_registration (
    account_id         varchar(64)  NOT NULL,
    port               integer      NOT NULL,
    api_key_id         varchar(128) NOT NULL,
    credentials_sha256 char(64)     NOT NULL CHECK (credentials_sha256 ~ '^[0-9a-f]{64}$'),
    epoch              bigint       NOT NULL,
    registered_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, port)
);
