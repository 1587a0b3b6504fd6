-- Cheaper acquisitions, and many lease changes in one transaction (group commit).
--
-- 1. lease_claim replaces V2's lease_take: it locks an existing row first and inserts only a port never leased, so a
--    re-acquisition no longer makes a speculative insert that conflicts (and burns an epoch). Every claim holds the
--    transaction-level advisory lock (hashtext(account), port) before it touches the row, so a claim never races an
--    insert of another claim, and an "any port" search skips ports that other transactions are claiming.
-- 2. lease_acquire (same signature and answer as V2) finds the lowest free port from one read of the account's
--    blocking leases instead of one probe per port of the pool.
-- 3. lease_batch runs the releases and acquisitions a registry queued in one statement, hence one transaction and
--    one WAL flush: every request gets its own answer (a refusal is an answer, not an error), and a failure of the
--    statement rolls all of them back. Deadlocks between batches of different registries are avoided by order: every
--    lock a batch waits for is taken in (account, port) order (releases, named ports, resumptions); "any port"
--    requests come last and never wait (try-locks and SKIP LOCKED). A port-0 request that finds every free port busy
--    answers BUSY and the service repeats it alone with lease_acquire, which may wait.

-- Outcomes: GRANTED, HELD (see V2), and BUSY (p_wait false only: the row is locked by another transaction).
-- A port blocks while LIVE or EXPIRED less than p_grace_secs ago; it blocks another key always, and the same key only
-- when p_free_only (an "any port" request never takes over a port its key still holds).
CREATE FUNCTION lease_claim(p_account varchar, p_port integer, p_api_key varchar, p_gateway varchar,
        p_agent varchar, p_agent_host varchar, p_agent_version varchar, p_held_until_released boolean,
        p_ttl_secs double precision, p_grace_secs double precision, p_free_only boolean, p_wait boolean)
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
    IF p_wait THEN
        PERFORM pg_advisory_xact_lock(hashtext(p_account), p_port);
    ELSIF NOT pg_try_advisory_xact_lock(hashtext(p_account), p_port) THEN
        result.outcome := 'BUSY';
        result.port := p_port;
        RETURN result;
    END IF;
    FOR attempt IN 1..5 LOOP
        IF p_wait THEN
            SELECT o.tunnel_id, o.api_key_id, o.state, o.acquired_at, o.expires_at,
                   o.expires_at >= now() AS unexpired,
                   o.state IN ('LIVE', 'EXPIRED') AND o.expires_at >= now() - make_interval(secs => p_grace_secs)
                       AS blocking
                INTO h FROM lease o WHERE o.account_id = p_account AND o.port = p_port FOR UPDATE;
        ELSE
            SELECT o.tunnel_id, o.api_key_id, o.state, o.acquired_at, o.expires_at,
                   o.expires_at >= now() AS unexpired,
                   o.state IN ('LIVE', 'EXPIRED') AND o.expires_at >= now() - make_interval(secs => p_grace_secs)
                       AS blocking
                INTO h FROM lease o WHERE o.account_id = p_account AND o.port = p_port FOR UPDATE SKIP LOCKED;
            IF NOT FOUND AND EXISTS (SELECT 1 FROM lease o WHERE o.account_id = p_account AND o.port = p_port) THEN
                result.outcome := 'BUSY'; -- locked by a release or the sweeper right now
                result.port := p_port;
                RETURN result;
            END IF;
        END IF;

        IF NOT FOUND THEN
            -- never leased: insert. The advisory lock keeps other claims out; anything else inserting it meanwhile
            -- makes this a conflict, and the next attempt locks the row it wrote. One statement writes the lease,
            -- its tunnel and its ACQUIRED event.
            WITH u AS (
                INSERT INTO lease (account_id, port, epoch, tunnel_id, api_key_id, gateway_id, agent_id, state,
                        resumed, acquired_at, expires_at)
                    VALUES (p_account, p_port, nextval('lease_epoch_seq'), gen_random_uuid(), p_api_key, p_gateway,
                        p_agent, 'LIVE', false, now(), v_expiry)
                    ON CONFLICT (account_id, port) DO NOTHING
                    RETURNING *),
            t AS (
                INSERT INTO tunnel (tunnel_id, account_id, port, api_key_id, gateway_id, agent_id, agent_host,
                        agent_version, status, connected_since, last_heartbeat)
                    SELECT u.tunnel_id, u.account_id, u.port, u.api_key_id, u.gateway_id, u.agent_id, p_agent_host,
                        p_agent_version, 'CONNECTED', u.acquired_at, u.acquired_at FROM u),
            e AS (
                INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,
                        acquired_at, expires_at)
                    SELECT 'ACQUIRED', u.account_id, u.port, u.epoch, u.tunnel_id, u.api_key_id, u.gateway_id,
                        u.acquired_at, u.expires_at FROM u)
            SELECT u.* INTO l FROM u;
            IF NOT FOUND THEN
                CONTINUE;
            END IF;
            resuming := false;
        ELSE
            IF h.blocking AND (p_free_only OR h.api_key_id <> p_api_key) THEN
                result.outcome := 'HELD';
                result.port := p_port;
                result.holder_tunnel_id := h.tunnel_id;
                SELECT COALESCE(t.connected_since, h.acquired_at) INTO result.holder_since
                    FROM (SELECT 1) one LEFT JOIN tunnel t ON t.tunnel_id = h.tunnel_id;
                result.holder_acquired_at := h.acquired_at;
                result.holder_expires_at := h.expires_at;
                result.holder_unexpired := h.unexpired;
                RETURN result;
            END IF;

            -- One statement (every part sees the row as it was): the end event of a live previous epoch and its
            -- tunnel's disconnection (unless this is a resumption, which keeps the tunnel), the new epoch, the
            -- tunnel (new, or the resumed one reconnected) and the ACQUIRED event.
            resuming := h.blocking;
            end_type := CASE WHEN h.state <> 'LIVE' THEN NULL WHEN h.unexpired THEN 'SUPERSEDED' ELSE 'EXPIRED' END;
            IF end_type IS NULL AND NOT resuming THEN
                -- the common case, a port that was released (or expired past the grace period) and is taken
                -- again: nothing to end, a new tunnel. Fewer parts than below, so less to plan and open.
                WITH u AS (
                    UPDATE lease o SET epoch = nextval('lease_epoch_seq'), tunnel_id = gen_random_uuid(),
                            api_key_id = p_api_key, gateway_id = p_gateway, agent_id = p_agent, state = 'LIVE',
                            resumed = false, acquired_at = now(), expires_at = v_expiry, ended_at = NULL
                        WHERE o.account_id = p_account AND o.port = p_port
                        RETURNING o.*),
                t AS (
                    INSERT INTO tunnel (tunnel_id, account_id, port, api_key_id, gateway_id, agent_id, agent_host,
                            agent_version, status, connected_since, last_heartbeat)
                        SELECT u.tunnel_id, u.account_id, u.port, u.api_key_id, u.gateway_id, u.agent_id,
                            p_agent_host, p_agent_version, 'CONNECTED', u.acquired_at, u.acquired_at FROM u),
                e AS (
                    INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,
                            acquired_at, expires_at)
                        SELECT 'ACQUIRED', u.account_id, u.port, u.epoch, u.tunnel_id, u.api_key_id, u.gateway_id,
                            u.acquired_at, u.expires_at FROM u)
                SELECT u.* INTO l FROM u;
            ELSE
                WITH ended AS (
                    INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,
                            acquired_at, expires_at)
                        SELECT end_type, o.account_id, o.port, o.epoch, o.tunnel_id, o.api_key_id, o.gateway_id,
                            o.acquired_at, o.expires_at
                        FROM lease o WHERE end_type IS NOT NULL AND o.account_id = p_account AND o.port = p_port
                        RETURNING 1),
                off AS (
                    UPDATE tunnel t SET status = 'DISCONNECTED', disconnected_since = LEAST(now(), h.expires_at)
                        WHERE end_type IS NOT NULL AND NOT resuming AND t.tunnel_id = h.tunnel_id
                          AND t.status = 'CONNECTED'),
                u AS (
                    UPDATE lease o SET epoch = nextval('lease_epoch_seq'),
                            tunnel_id = CASE WHEN resuming THEN h.tunnel_id ELSE gen_random_uuid() END,
                            api_key_id = p_api_key, gateway_id = p_gateway, agent_id = p_agent, state = 'LIVE',
                            resumed = resuming, acquired_at = now(), expires_at = v_expiry, ended_at = NULL
                        WHERE o.account_id = p_account AND o.port = p_port
                        RETURNING o.*),
                t AS (
                    INSERT INTO tunnel (tunnel_id, account_id, port, api_key_id, gateway_id, agent_id, agent_host,
                            agent_version, status, connected_since, last_heartbeat)
                        SELECT u.tunnel_id, u.account_id, u.port, u.api_key_id, u.gateway_id, u.agent_id, p_agent_host,
                            p_agent_version, 'CONNECTED', u.acquired_at, u.acquired_at FROM u
                        ON CONFLICT (tunnel_id) DO UPDATE SET gateway_id = excluded.gateway_id,
                            agent_id = excluded.agent_id, agent_host = excluded.agent_host,
                            agent_version = excluded.agent_version, status = 'CONNECTED', disconnected_since = NULL,
                            last_heartbeat = excluded.last_heartbeat),
                e AS (
                    INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,
                            acquired_at, expires_at)
                        SELECT 'ACQUIRED', u.account_id, u.port, u.epoch, u.tunnel_id, u.api_key_id, u.gateway_id,
                            u.acquired_at, u.expires_at
                        FROM u, (SELECT count(*) FROM ended) before -- the end event first (event ids keep the order)
                )
                SELECT u.* INTO l FROM u;
            END IF;
        END IF;
        result.outcome := 'GRANTED';
        result.account_id := l.account_id; result.port := l.port; result.epoch := l.epoch;
        result.tunnel_id := l.tunnel_id; result.api_key_id := l.api_key_id; result.gateway_id := l.gateway_id;
        result.acquired_at := l.acquired_at; result.expires_at := l.expires_at; result.resumed := resuming;
        RETURN result;
    END LOOP;
    RAISE EXCEPTION 'lease row of port % kept changing', p_port;
END
$$;

-- UNKNOWN_GATEWAY or GATEWAY_EXPIRED (with the gateway's expires_at) when the gateway may not take leases, else NULL.
CREATE FUNCTION lease_gateway_refusal(p_gateway varchar) RETURNS lease_acquisition LANGUAGE plpgsql STABLE AS $$
DECLARE
    result    lease_acquisition;
    g_expires timestamptz;
BEGIN
    SELECT g.expires_at INTO g_expires FROM gateway g WHERE g.gateway_id = p_gateway;
    IF NOT FOUND THEN
        result.outcome := 'UNKNOWN_GATEWAY';
        RETURN result;
    END IF;
    IF g_expires < now() THEN
        result.outcome := 'GATEWAY_EXPIRED';
        result.expires_at := g_expires;
        RETURN result;
    END IF;
    RETURN NULL;
END
$$;

-- The port this agent of this key holds or held within the grace period (its reconnection gets it back), or NULL.
CREATE FUNCTION lease_resumable_port(p_account varchar, p_api_key varchar, p_agent varchar,
        p_grace_secs double precision, p_first integer, p_last integer) RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT o.port FROM lease o
        WHERE p_agent <> '' AND o.account_id = p_account AND o.api_key_id = p_api_key AND o.agent_id = p_agent
          AND o.port BETWEEN p_first AND p_last AND o.state IN ('LIVE', 'EXPIRED')
          AND o.expires_at >= now() - make_interval(secs => p_grace_secs)
        ORDER BY o.port LIMIT 1
$$;

-- One pass over the free ports of [p_first, p_last], lowest first, without waiting: GRANTED, EXHAUSTED (no port is
-- free) or BUSY (the free ones are being claimed or changed by other transactions right now). The account's blocking
-- leases are read once (one index range), not probed port by port.
CREATE FUNCTION lease_claim_free(p_account varchar, p_api_key varchar, p_gateway varchar, p_agent varchar,
        p_agent_host varchar, p_agent_version varchar, p_held_until_released boolean, p_ttl_secs double precision,
        p_grace_secs double precision, p_first integer, p_last integer)
    RETURNS lease_acquisition LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    result    lease_acquisition;
    blocked   integer[];
    candidate integer;
    found_one boolean := false;
BEGIN
    blocked := ARRAY(SELECT o.port FROM lease o WHERE o.account_id = p_account AND o.port BETWEEN p_first AND p_last
            AND o.state IN ('LIVE', 'EXPIRED') AND o.expires_at >= now() - make_interval(secs => p_grace_secs));
    FOR candidate IN SELECT p FROM generate_series(p_first, p_last) AS p WHERE p <> ALL (blocked) LOOP
        found_one := true;
        result := lease_claim(p_account, candidate, p_api_key, p_gateway, p_agent, p_agent_host, p_agent_version,
            p_held_until_released, p_ttl_secs, p_grace_secs, true, false);
        IF result.outcome = 'GRANTED' THEN
            RETURN result;
        END IF;
    END LOOP;
    result := NULL;
    result.outcome := CASE WHEN found_one THEN 'BUSY' ELSE 'EXHAUSTED' END;
    RETURN result;
END
$$;

-- A whole acquisition in its own transaction (V2's contract): p_port, or for 0 the resumable port, else the lowest
-- free one; when the free ports are all busy, it waits 5 ms and looks again (each look a new snapshot).
CREATE OR REPLACE FUNCTION lease_acquire(p_account varchar, p_port integer, p_api_key varchar, p_gateway varchar,
        p_agent varchar, p_agent_host varchar, p_agent_version varchar, p_held_until_released boolean,
        p_ttl_secs double precision, p_grace_secs double precision, p_first integer, p_last integer)
    RETURNS lease_acquisition LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    result    lease_acquisition;
    candidate integer;
BEGIN
    result := lease_gateway_refusal(p_gateway);
    IF result.outcome IS NOT NULL THEN
        RETURN result;
    END IF;
    IF p_port <> 0 THEN
        RETURN lease_claim(p_account, p_port, p_api_key, p_gateway, p_agent, p_agent_host, p_agent_version,
            p_held_until_released, p_ttl_secs, p_grace_secs, false, true);
    END IF;
    candidate := lease_resumable_port(p_account, p_api_key, p_agent, p_grace_secs, p_first, p_last);
    IF candidate IS NOT NULL THEN
        result := lease_claim(p_account, candidate, p_api_key, p_gateway, p_agent, p_agent_host, p_agent_version,
            p_held_until_released, p_ttl_secs, p_grace_secs, false, true);
        IF result.outcome = 'GRANTED' THEN
            RETURN result;
        END IF;
        -- taken by another key meanwhile: look for a free one
    END IF;
    FOR attempt IN 1..(p_last - p_first + 1) * 2 + 50 LOOP
        result := lease_claim_free(p_account, p_api_key, p_gateway, p_agent, p_agent_host, p_agent_version,
            p_held_until_released, p_ttl_secs, p_grace_secs, p_first, p_last);
        IF result.outcome <> 'BUSY' THEN
            RETURN result;
        END IF;
        PERFORM pg_sleep(0.005); -- the free ports left are being claimed by concurrent requests: see who wins
    END LOOP;
    result := NULL;
    result.outcome := 'EXHAUSTED';
    RETURN result;
END
$$;

DROP FUNCTION lease_take(varchar, integer, varchar, varchar, varchar, varchar, varchar, boolean, double precision,
    double precision, boolean);

-- A batch of releases (r_*: RELEASED or NOT_LIVE) and acquisitions (a_*, never held until released: outcomes as
-- lease_acquire's, plus BUSY for a port-0 request whose free ports were all busy), in one statement. req numbers the
-- answers: 1..R the releases in array order, R+1..R+A the acquisitions. Order of the work, so that two batches cannot
-- wait for each other: gateway checks and resumable ports (reads); the advisory locks of every release, named port
-- and resumption, in (account, port) order; the releases; the named ports and resumptions; then the remaining port-0
-- requests, which never wait.
CREATE FUNCTION lease_batch(r_accounts varchar[], r_ports integer[], r_epochs bigint[], r_gateways varchar[],
        a_accounts varchar[], a_ports integer[], a_api_keys varchar[], a_gateways varchar[], a_agents varchar[],
        a_agent_hosts varchar[], a_agent_versions varchar[], p_ttl_secs double precision,
        p_grace_secs double precision, p_first integer, p_last integer)
    RETURNS TABLE (req integer, answer lease_acquisition) LANGUAGE plpgsql VOLATILE
    -- Every table access of a batch is by key. A plan cached while lease and tunnel were small (a new deployment)
    -- may otherwise join the releases to them by scanning both, and keep doing so: seen in the benchmark as one
    -- scan of lease (and its dead rows) and of the whole tunnel table per batch.
    SET enable_seqscan = off
    AS $$
DECLARE
    releases  integer := coalesce(array_length(r_accounts, 1), 0);
    acquires  integer := coalesce(array_length(a_accounts, 1), 0);
    target    integer[] := array_fill(0, ARRAY[greatest(acquires, 1)]);
    done      boolean[] := array_fill(false, ARRAY[greatest(acquires, 1)]);
    a         lease_acquisition;
    l         lease%ROWTYPE;
    w         record;
    j         integer;
BEGIN
    FOR j IN 1..acquires LOOP
        a := lease_gateway_refusal(a_gateways[j]);
        IF a.outcome IS NOT NULL THEN
            req := releases + j; answer := a; done[j] := true;
            RETURN NEXT;
        ELSIF a_ports[j] <> 0 THEN
            target[j] := a_ports[j];
        ELSE
            target[j] := coalesce(lease_resumable_port(a_accounts[j], a_api_keys[j], a_agents[j], p_grace_secs,
                p_first, p_last), 0);
        END IF;
    END LOOP;

    -- Every key this batch may wait for, locked in (account, port) order before any row: the releases' and the
    -- named ports' and resumptions'. Whoever waits for a row lock below holds that key's advisory lock, so no
    -- batch waits for another in a cycle.
    PERFORM pg_advisory_xact_lock(hashtext(k.account), k.port) FROM (
        SELECT u.account, u.port FROM (
            SELECT r.account, r.port FROM unnest(r_accounts, r_ports) AS r(account, port)
            UNION
            SELECT a_accounts[q.i], target[q.i] FROM generate_series(1, acquires) AS q(i)
                WHERE target[q.i] <> 0 AND NOT done[q.i]
        ) u ORDER BY u.account COLLATE "C", u.port) k;

    -- The releases, in one statement: the lease, its RELEASED event and its tunnel.
    RETURN QUERY
        WITH r AS (
            SELECT * FROM unnest(r_accounts, r_ports, r_epochs, r_gateways) WITH ORDINALITY
                AS r(account, port, epoch, gateway, i)),
        released AS (
            -- "ended_at IS NULL" means LIVE (a V1 check) without naming lease_live_expiry's predicate: with
            -- "state = 'LIVE'" the planner may scan that whole index (every live lease, and the dead entries
            -- of recent changes) instead of looking each release up by its key. See also the function's SET.
            UPDATE lease o SET state = 'RELEASED', ended_at = now() FROM r
                WHERE o.account_id = r.account AND o.port = r.port AND o.epoch = r.epoch
                  AND o.gateway_id = r.gateway AND o.ended_at IS NULL
                RETURNING r.i, o.account_id, o.port, o.epoch, o.tunnel_id, o.api_key_id, o.gateway_id,
                    o.acquired_at, o.expires_at),
        event AS (
            INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id, acquired_at,
                    expires_at)
                SELECT 'RELEASED', x.account_id, x.port, x.epoch, x.tunnel_id, x.api_key_id, x.gateway_id,
                    x.acquired_at, x.expires_at FROM released x),
        off AS (
            UPDATE tunnel t SET status = 'DISCONNECTED', disconnected_since = now() FROM released x
                WHERE t.tunnel_id = x.tunnel_id AND t.status = 'CONNECTED')
        SELECT r.i::integer, ROW(CASE WHEN x.i IS NULL THEN 'NOT_LIVE' ELSE 'RELEASED' END, NULL, NULL, NULL, NULL,
                NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::lease_acquisition
            FROM r LEFT JOIN released x ON x.i = r.i;

    -- Named ports and resumptions, in key order (their keys are locked already).
    FOR w IN
        SELECT q.i FROM generate_series(1, acquires) AS q(i) WHERE target[q.i] <> 0 AND NOT done[q.i]
            ORDER BY a_accounts[q.i] COLLATE "C", target[q.i], q.i
    LOOP
        j := w.i;
        a := lease_claim(a_accounts[j], target[j], a_api_keys[j], a_gateways[j], a_agents[j], a_agent_hosts[j],
            a_agent_versions[j], false, p_ttl_secs, p_grace_secs, false, true);
        IF a.outcome = 'GRANTED' OR a_ports[j] <> 0 THEN
            req := releases + j; answer := a; done[j] := true;
            RETURN NEXT;
        END IF;
        -- a resumption whose port another key took meanwhile: it looks for a free port below
    END LOOP;

    FOR w IN SELECT q.i FROM generate_series(1, acquires) AS q(i) WHERE NOT done[q.i]
            ORDER BY a_accounts[q.i] COLLATE "C", q.i LOOP
        j := w.i;
        a := lease_claim_free(a_accounts[j], a_api_keys[j], a_gateways[j], a_agents[j], a_agent_hosts[j],
            a_agent_versions[j], false, p_ttl_secs, p_grace_secs, p_first, p_last);
        req := releases + j; answer := a;
        RETURN NEXT;
    END LOOP;
END
$$;
