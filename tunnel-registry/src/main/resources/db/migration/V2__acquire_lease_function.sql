-- AcquireLease in one round trip: the gateway check, resumption, the "lowest free port" search and the writes
-- (lease, tunnel, events) run inside PostgreSQL as one statement in its own transaction. The rules are the ones
-- the service applied statement by statement before (V1 constraints still decide who wins a race); only the
-- round trips between the service and the database are gone.

-- What an acquisition answers. outcome: GRANTED (the lease columns), HELD (the holder_* columns: another key
-- holds the port, or for a free-only try anybody), EXHAUSTED, UNKNOWN_GATEWAY, GATEWAY_EXPIRED (expires_at).
CREATE TYPE lease_acquisition AS (
    outcome            text,
    account_id         varchar(64),
    port               integer,
    epoch              bigint,
    tunnel_id          uuid,
    api_key_id         varchar(128),
    gateway_id         varchar(128),
    acquired_at        timestamptz,
    expires_at         timestamptz,
    resumed            boolean,
    holder_tunnel_id   uuid,
    holder_since       timestamptz,
    holder_acquired_at timestamptz,
    holder_expires_at  timestamptz,
    holder_unexpired   boolean
);

-- The functions this migration first created (lease_acquire, and lease_take, which V3 replaced) live in
-- R__lease_functions.sql, as they are now.
