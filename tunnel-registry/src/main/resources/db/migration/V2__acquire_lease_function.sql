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

-- Takes one (account, port): inserts the row of a port never leased (the primary key lets one concurrent insert
-- win), otherwise locks the row and, unless it blocks this request, ends the previous epoch and writes the new one.
-- A port blocks while LIVE or EXPIRED less than p_grace_secs ago; it blocks another key always, and the same key
-- only when p_free_only (an "any port" request never takes over a port its key still holds).
CREATE FUNCTION lease_take(p_account varchar, p_port integer, p_api_key varchar, p_gateway varchar,
        p_agent varchar, p_agent_host varchar, p_agent_version varchar, p_held_until_released boolean,
        p_ttl_secs double precision, p_grace_secs double precision, p_free_only boolean)
    RETURNS lease_acquisition LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    result      lease_acquisition;
    l           lease%ROWTYPE;
    h           record;
    end_type    text;
    resuming    boolean;
    v_expiry    timestamptz := CASE WHEN p_held_until_released THEN 'infinity'::timestamptz
                                    ELSE now() + make_interval(secs => p_ttl_secs) END;
BEGIN
    FOR attempt IN 1..5 LOOP
        INSERT INTO lease (account_id, port, epoch, tunnel_id, api_key_id, gateway_id, agent_id, state, resumed,
                acquired_at, expires_at)
            VALUES (p_account, p_port, nextval('lease_epoch_seq'), gen_random_uuid(), p_api_key, p_gateway, p_agent,
                'LIVE', false, now(), v_expiry)
            ON CONFLICT (account_id, port) DO NOTHING
            RETURNING * INTO l;
        IF FOUND THEN
            INSERT INTO tunnel (tunnel_id, account_id, port, api_key_id, gateway_id, agent_id, agent_host,
                    agent_version, status, connected_since, last_heartbeat)
                VALUES (l.tunnel_id, l.account_id, l.port, l.api_key_id, l.gateway_id, l.agent_id, p_agent_host,
                    p_agent_version, 'CONNECTED', l.acquired_at, l.acquired_at);
            INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id, acquired_at,
                    expires_at)
                VALUES ('ACQUIRED', l.account_id, l.port, l.epoch, l.tunnel_id, l.api_key_id, l.gateway_id,
                    l.acquired_at, l.expires_at);
            result.outcome := 'GRANTED';
            result.account_id := l.account_id; result.port := l.port; result.epoch := l.epoch;
            result.tunnel_id := l.tunnel_id; result.api_key_id := l.api_key_id; result.gateway_id := l.gateway_id;
            result.acquired_at := l.acquired_at; result.expires_at := l.expires_at; result.resumed := false;
            RETURN result;
        END IF;

        SELECT o.epoch, o.tunnel_id, o.api_key_id, o.state, o.acquired_at, o.expires_at,
               o.expires_at >= now() AS unexpired,
               o.state IN ('LIVE', 'EXPIRED') AND o.expires_at >= now() - make_interval(secs => p_grace_secs)
                   AS blocking,
               t.connected_since
            INTO h
            FROM lease o LEFT JOIN tunnel t ON t.tunnel_id = o.tunnel_id
            WHERE o.account_id = p_account AND o.port = p_port
            FOR UPDATE OF o;
        IF NOT FOUND THEN
            CONTINUE; -- deleted by hand between the insert and the lock: insert again
        END IF;

        IF h.blocking AND (p_free_only OR h.api_key_id <> p_api_key) THEN
            result.outcome := 'HELD';
            result.port := p_port;
            result.holder_tunnel_id := h.tunnel_id;
            result.holder_since := COALESCE(h.connected_since, h.acquired_at);
            result.holder_acquired_at := h.acquired_at;
            result.holder_expires_at := h.expires_at;
            result.holder_unexpired := h.unexpired;
            RETURN result;
        END IF;

        resuming := h.blocking;
        end_type := CASE WHEN h.state <> 'LIVE' THEN NULL WHEN h.unexpired THEN 'SUPERSEDED' ELSE 'EXPIRED' END;
        IF end_type IS NOT NULL THEN
            INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id, acquired_at,
                    expires_at)
                SELECT end_type, o.account_id, o.port, o.epoch, o.tunnel_id, o.api_key_id, o.gateway_id,
                    o.acquired_at, o.expires_at
                FROM lease o WHERE o.account_id = p_account AND o.port = p_port;
            IF NOT resuming THEN
                UPDATE tunnel t SET status = 'DISCONNECTED', disconnected_since = LEAST(now(), h.expires_at)
                    WHERE t.tunnel_id = h.tunnel_id AND t.status = 'CONNECTED';
            END IF;
        END IF;

        UPDATE lease o SET epoch = nextval('lease_epoch_seq'),
                tunnel_id = CASE WHEN resuming THEN h.tunnel_id ELSE gen_random_uuid() END,
                api_key_id = p_api_key, gateway_id = p_gateway, agent_id = p_agent, state = 'LIVE',
                resumed = resuming, acquired_at = now(), expires_at = v_expiry, ended_at = NULL
            WHERE o.account_id = p_account AND o.port = p_port
            RETURNING o.* INTO l;
        INSERT INTO tunnel (tunnel_id, account_id, port, api_key_id, gateway_id, agent_id, agent_host, agent_version,
                status, connected_since, last_heartbeat)
            VALUES (l.tunnel_id, l.account_id, l.port, l.api_key_id, l.gateway_id, l.agent_id, p_agent_host,
                p_agent_version, 'CONNECTED', l.acquired_at, l.acquired_at)
            ON CONFLICT (tunnel_id) DO UPDATE SET gateway_id = excluded.gateway_id, agent_id = excluded.agent_id,
                agent_host = excluded.agent_host, agent_version = excluded.agent_version, status = 'CONNECTED',
                disconnected_since = NULL, last_heartbeat = excluded.last_heartbeat;
        INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id, acquired_at,
                expires_at)
            VALUES ('ACQUIRED', l.account_id, l.port, l.epoch, l.tunnel_id, l.api_key_id, l.gateway_id,
                l.acquired_at, l.expires_at);
        result.outcome := 'GRANTED';
        result.account_id := l.account_id; result.port := l.port; result.epoch := l.epoch;
        result.tunnel_id := l.tunnel_id; result.api_key_id := l.api_key_id; result.gateway_id := l.gateway_id;
        result.acquired_at := l.acquired_at; result.expires_at := l.expires_at; result.resumed := resuming;
        RETURN result;
    END LOOP;
    RAISE EXCEPTION 'lease row of port % kept changing', p_port;
END
$$;

-- A whole acquisition: p_port, or for 0 first the port this agent of this key holds or held within the grace
-- period, else the lowest port of [p_first, p_last] no lease blocks and no concurrent "any port" request is
-- trying (pg_try_advisory_xact_lock: others skip it and take the next one instead of queueing on it). Each scan
-- is a new statement with a new snapshot, so a port found held by a concurrent grant is not a candidate again.
CREATE FUNCTION lease_acquire(p_account varchar, p_port integer, p_api_key varchar, p_gateway varchar,
        p_agent varchar, p_agent_host varchar, p_agent_version varchar, p_held_until_released boolean,
        p_ttl_secs double precision, p_grace_secs double precision, p_first integer, p_last integer)
    RETURNS lease_acquisition LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    result      lease_acquisition;
    g_expires   timestamptz;
    g_live      boolean;
    candidate   integer;
    found_one   boolean;
BEGIN
    SELECT g.expires_at, g.expires_at >= now() INTO g_expires, g_live FROM gateway g WHERE g.gateway_id = p_gateway;
    IF NOT FOUND THEN
        result.outcome := 'UNKNOWN_GATEWAY';
        RETURN result;
    END IF;
    IF NOT g_live THEN
        result.outcome := 'GATEWAY_EXPIRED';
        result.expires_at := g_expires;
        RETURN result;
    END IF;

    IF p_port <> 0 THEN
        RETURN lease_take(p_account, p_port, p_api_key, p_gateway, p_agent, p_agent_host, p_agent_version,
            p_held_until_released, p_ttl_secs, p_grace_secs, false);
    END IF;

    IF p_agent <> '' THEN
        SELECT o.port INTO candidate FROM lease o
            WHERE o.account_id = p_account AND o.api_key_id = p_api_key AND o.agent_id = p_agent
              AND o.port BETWEEN p_first AND p_last AND o.state IN ('LIVE', 'EXPIRED')
              AND o.expires_at >= now() - make_interval(secs => p_grace_secs)
            ORDER BY o.port LIMIT 1;
        IF FOUND THEN
            result := lease_take(p_account, candidate, p_api_key, p_gateway, p_agent, p_agent_host, p_agent_version,
                p_held_until_released, p_ttl_secs, p_grace_secs, false);
            IF result.outcome = 'GRANTED' THEN
                RETURN result;
            END IF;
            -- taken by another key meanwhile: look for a free one
        END IF;
    END IF;

    FOR attempt IN 1..(p_last - p_first + 1) * 2 + 50 LOOP
        found_one := false;
        FOR candidate IN
            SELECT p.port FROM generate_series(p_first, p_last) AS p(port)
            WHERE NOT EXISTS (SELECT 1 FROM lease o WHERE o.account_id = p_account AND o.port = p.port
                    AND o.state IN ('LIVE', 'EXPIRED') AND o.expires_at >= now() - make_interval(secs => p_grace_secs))
            ORDER BY p.port
        LOOP
            found_one := true;
            IF pg_try_advisory_xact_lock(hashtext(p_account), candidate) THEN
                result := lease_take(p_account, candidate, p_api_key, p_gateway, p_agent, p_agent_host,
                    p_agent_version, p_held_until_released, p_ttl_secs, p_grace_secs, true);
                IF result.outcome = 'GRANTED' THEN
                    RETURN result;
                END IF;
            END IF;
        END LOOP;
        IF NOT found_one THEN
            EXIT; -- no port is unblocked: the pool is exhausted for this account
        END IF;
        -- the free ports left are being tried by concurrent requests (their advisory locks): see who wins
        PERFORM pg_sleep(0.005);
    END LOOP;
    result.outcome := 'EXHAUSTED';
    RETURN result;
END
$$;
