-- The live definition of every lease function, in one place: a change to one of them is a diff of this file.
--
-- Flyway runs this repeatable migration after the versioned ones (V1..) whenever its checksum changes, so every
-- statement here must be safe to run again on a database that already has these functions: CREATE OR REPLACE only.
-- What CREATE OR REPLACE cannot do (a new return type or argument list, a function removed, a change to the
-- lease_acquisition type of V2) needs a versioned migration that drops the old definition first; then this file
-- defines the new one. Tables, types and constraints stay in the versioned migrations.
--
-- Up to commit 6fc62f9 these functions were created in V2-V5 and redefined there with CREATE OR REPLACE; a database
-- migrated by such a build is aligned at start by io.secureconnect.registry.db.LeaseFunctionsMoved.
--
-- Who calls what: the service calls lease_acquire (one acquisition in its own transaction: LeaseStore) and
-- lease_batch (a batch of releases and acquisitions in one statement: LeaseBatchStore). Both answer
-- lease_acquisition rows (V2): outcome GRANTED (the lease columns), HELD (the holder_* columns: another key holds the
-- port, or for a free-only try anybody), EXHAUSTED, UNKNOWN_GATEWAY, GATEWAY_EXPIRED (expires_at); inside a batch
-- also BUSY (an "any port" request whose free ports were all being claimed: the service repeats it alone with
-- lease_acquire, which may wait) and, for releases, RELEASED or NOT_LIVE.
--
-- Rules every function keeps: every claim of (account, port) holds the transaction-level advisory lock
-- (hashtext(account), port) before it touches the row, so a claim never races an insert of another claim, and an
-- "any port" search skips ports that other transactions are claiming; a waiting lock is only ever taken in
-- (account, port) order, so two batches (of any registry replicas) never wait for each other in a cycle; "any port"
-- requests never wait (try-locks and SKIP LOCKED).

-- UNKNOWN_GATEWAY or GATEWAY_EXPIRED (with the gateway's expires_at) when the gateway may not take leases, else NULL.
CREATE OR REPLACE FUNCTION lease_gateway_refusal(p_gateway varchar) RETURNS lease_acquisition LANGUAGE plpgsql STABLE AS $$
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
-- PL/pgSQL, whose plan is kept per connection, rather than SQL, whose body is set up again on every call.
CREATE OR REPLACE FUNCTION lease_resumable_port(p_account varchar, p_api_key varchar, p_agent varchar,
        p_grace_secs double precision, p_first integer, p_last integer) RETURNS integer LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT o.port FROM lease o
        WHERE p_agent <> '' AND o.account_id = p_account AND o.api_key_id = p_api_key AND o.agent_id = p_agent
          AND o.port BETWEEN p_first AND p_last AND o.state IN ('LIVE', 'EXPIRED')
          AND o.expires_at >= now() - make_interval(secs => p_grace_secs)
        ORDER BY o.port LIMIT 1);
END
$$;

-- Claims one (account, port). Outcomes: GRANTED, HELD, and BUSY (p_wait false only: the row is locked by another
-- transaction). It locks an existing row first and inserts only a port never leased, so a re-acquisition makes no
-- speculative insert that conflicts (and burns an epoch).
-- A port blocks while LIVE or EXPIRED less than p_grace_secs ago; it blocks another key always, and the same key only
-- when p_free_only (an "any port" request never takes over a port its key still holds).
CREATE OR REPLACE FUNCTION lease_claim(p_account varchar, p_port integer, p_api_key varchar, p_gateway varchar,
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

-- One pass over the free ports of [p_first, p_last], lowest first, without waiting: GRANTED, EXHAUSTED (no port is
-- free) or BUSY (the free ones are being claimed or changed by other transactions right now). The account's blocking
-- leases are read once (one index range), not probed port by port.
CREATE OR REPLACE FUNCTION lease_claim_free(p_account varchar, p_api_key varchar, p_gateway varchar, p_agent varchar,
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

-- The "any port" requests of a batch, claimed together: three statements for all of them instead of about ten per
-- request (each of those a statement to start and end, most of the cost of a batch).
--
-- lease_claim_free_set serves the common case only: each request gets the n-th free port of its account (n its rank
-- among the batch's requests of that account), provided that port is not being claimed by another transaction (a
-- try-lock), and its lease row is either absent or ended (RELEASED, FORCE_RELEASED, or EXPIRED past the grace
-- period) and not locked. Every other request (a LIVE row the sweeper has not ended yet, a lost race) is left out of
-- the answer, and lease_batch gives it to lease_claim_free. Nothing here waits for a lock.
-- a_reqs names the requests to serve, as indexes into the a_* arrays (lease_batch's acquisitions); req is that index.
CREATE OR REPLACE FUNCTION lease_claim_free_set(a_reqs integer[], a_accounts varchar[], a_api_keys varchar[],
        a_gateways varchar[], a_agents varchar[], a_agent_hosts varchar[], a_agent_versions varchar[],
        p_ttl_secs double precision, p_grace_secs double precision, p_first integer, p_last integer)
    RETURNS TABLE (req integer, answer lease_acquisition) LANGUAGE plpgsql VOLATILE
    SET enable_seqscan = off -- every access is by key (see lease_batch)
    AS $$
DECLARE
    c_reqs  integer[];
    c_ports integer[];
    l_reqs  integer[];
BEGIN
    -- 1. Candidates, try-locked. The pairs are computed (materialized) before any lock is tried, so that only the
    --    chosen (account, port) keys are locked.
    WITH q AS (
        SELECT r.req, a_accounts[r.req] AS account,
                row_number() OVER (PARTITION BY a_accounts[r.req] ORDER BY r.req) AS n
            FROM unnest(a_reqs) AS r(req)),
    accounts AS (SELECT q.account, max(q.n) AS k FROM q GROUP BY q.account),
    free AS (
        SELECT a.account, f.port, f.n FROM accounts a CROSS JOIN LATERAL (
            SELECT p AS port, row_number() OVER (ORDER BY p) AS n
                FROM generate_series(p_first, p_last) AS p
                WHERE p <> ALL (ARRAY(SELECT o.port FROM lease o
                    WHERE o.account_id = a.account AND o.port BETWEEN p_first AND p_last
                      AND o.state IN ('LIVE', 'EXPIRED')
                      AND o.expires_at >= now() - make_interval(secs => p_grace_secs)))
                ORDER BY p LIMIT a.k) f),
    pairs AS MATERIALIZED (
        SELECT q.req, q.account, free.port FROM q JOIN free ON free.account = q.account AND free.n = q.n)
    SELECT array_agg(x.req ORDER BY x.req), array_agg(x.port ORDER BY x.req) INTO c_reqs, c_ports
        FROM pairs x WHERE pg_try_advisory_xact_lock(hashtext(x.account), x.port);
    IF c_reqs IS NULL THEN
        RETURN;
    END IF;

    -- 2. The rows of the candidates that exist and are ended, locked (a new snapshot: whatever another claim
    --    committed before this one's try-lock is seen). A row locked by a release or the sweeper is skipped.
    l_reqs := ARRAY(
        SELECT c.req FROM unnest(c_reqs, c_ports) AS c(req, port)
            JOIN lease o ON o.account_id = a_accounts[c.req] AND o.port = c.port
            WHERE o.state <> 'LIVE'
              AND NOT (o.state = 'EXPIRED' AND o.expires_at >= now() - make_interval(secs => p_grace_secs))
            ORDER BY c.req
            FOR UPDATE OF o SKIP LOCKED);

    -- 3. One statement for every grant: the ended rows taken over, the ports never leased inserted (a row that
    --    exists but was not locked above is left alone; one inserted meanwhile is a conflict, and left out), each
    --    grant's new tunnel and ACQUIRED event.
    RETURN QUERY
        WITH c AS (
            SELECT x.req, x.port, a_accounts[x.req] AS account, a_api_keys[x.req] AS api_key,
                    a_gateways[x.req] AS gateway, a_agents[x.req] AS agent, a_agent_hosts[x.req] AS agent_host,
                    a_agent_versions[x.req] AS agent_version, x.req = ANY (l_reqs) AS locked
                FROM unnest(c_reqs, c_ports) AS x(req, port)),
        taken AS (
            UPDATE lease o SET epoch = nextval('lease_epoch_seq'), tunnel_id = gen_random_uuid(),
                    api_key_id = c.api_key, gateway_id = c.gateway, agent_id = c.agent, state = 'LIVE',
                    resumed = false, acquired_at = now(), expires_at = now() + make_interval(secs => p_ttl_secs),
                    ended_at = NULL
                FROM c WHERE c.locked AND o.account_id = c.account AND o.port = c.port
                RETURNING c.req, o.*),
        inserted AS (
            INSERT INTO lease (account_id, port, epoch, tunnel_id, api_key_id, gateway_id, agent_id, state, resumed,
                    acquired_at, expires_at)
                SELECT c.account, c.port, nextval('lease_epoch_seq'), gen_random_uuid(), c.api_key, c.gateway,
                        c.agent, 'LIVE', false, now(), now() + make_interval(secs => p_ttl_secs)
                    FROM c WHERE NOT c.locked
                      AND NOT EXISTS (SELECT 1 FROM lease o WHERE o.account_id = c.account AND o.port = c.port)
                ON CONFLICT (account_id, port) DO NOTHING
                RETURNING *),
        granted AS (
            SELECT t.req, t.account_id, t.port, t.epoch, t.tunnel_id, t.api_key_id, t.gateway_id, t.agent_id,
                    t.acquired_at, t.expires_at FROM taken t
            UNION ALL
            SELECT c.req, i.account_id, i.port, i.epoch, i.tunnel_id, i.api_key_id, i.gateway_id, i.agent_id,
                    i.acquired_at, i.expires_at
                FROM inserted i JOIN c ON c.account = i.account_id AND c.port = i.port),
        tunnels AS (
            INSERT INTO tunnel (tunnel_id, account_id, port, api_key_id, gateway_id, agent_id, agent_host,
                    agent_version, status, connected_since, last_heartbeat)
                SELECT g.tunnel_id, g.account_id, g.port, g.api_key_id, g.gateway_id, g.agent_id,
                        a_agent_hosts[g.req], a_agent_versions[g.req], 'CONNECTED', g.acquired_at, g.acquired_at
                    FROM granted g),
        events AS (
            INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id, acquired_at,
                    expires_at)
                SELECT 'ACQUIRED', g.account_id, g.port, g.epoch, g.tunnel_id, g.api_key_id, g.gateway_id,
                        g.acquired_at, g.expires_at
                    FROM granted g ORDER BY g.req)
        SELECT g.req, ROW('GRANTED', g.account_id, g.port, g.epoch, g.tunnel_id, g.api_key_id, g.gateway_id,
                g.acquired_at, g.expires_at, false, NULL, NULL, NULL, NULL, NULL)::lease_acquisition
            FROM granted g;
END
$$;

-- A whole acquisition in its own transaction: p_port, or for 0 the resumable port, else the lowest free one; when
-- the free ports are all busy, it waits 5 ms and looks again (each look a new snapshot).
CREATE OR REPLACE FUNCTION lease_acquire(p_account varchar, p_port integer, p_api_key varchar, p_gateway varchar,
        p_agent varchar, p_agent_host varchar, p_agent_version varchar, p_held_until_released boolean,
        p_ttl_secs double precision, p_grace_secs double precision, p_first integer, p_last integer)
    RETURNS lease_acquisition LANGUAGE plpgsql VOLATILE
    SET plan_cache_mode = force_generic_plan -- see lease_batch
    AS $$
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

-- A batch of releases (r_*: RELEASED or NOT_LIVE) and acquisitions (a_*, never held until released: outcomes as
-- lease_acquire's, plus BUSY for a port-0 request whose free ports were all busy), in one statement. req numbers the
-- answers: 1..R the releases in array order, R+1..R+A the acquisitions. Order of the work, so that two batches cannot
-- wait for each other: gateway checks and resumable ports (reads); the advisory locks of every release, named port
-- and resumption, in (account, port) order; the releases; the named ports and resumptions; then the remaining port-0
-- requests, which never wait: first all together (lease_claim_free_set), then those it left out one by one
-- (lease_claim_free).
--
-- Generic plans (plan_cache_mode, here and in lease_acquire) for every statement of a lease change, planned once per
-- connection. PostgreSQL otherwise plans the first five executions of each statement for their parameters and keeps
-- doing so when the generic plan's estimate looks worse, as it does for statements over parameter arrays: the
-- planning of lease_batch's statements then cost a lone acquisition and release ~3 ms of one backend, three times
-- their execution (1.4 ms with generic plans; a batch of fifty 6.8 -> 5.9 ms). Every access stays by key
-- (enable_seqscan off), which is what a custom plan would choose here too.
CREATE OR REPLACE FUNCTION lease_batch(r_accounts varchar[], r_ports integer[], r_epochs bigint[], r_gateways varchar[],
        a_accounts varchar[], a_ports integer[], a_api_keys varchar[], a_gateways varchar[], a_agents varchar[],
        a_agent_hosts varchar[], a_agent_versions varchar[], p_ttl_secs double precision,
        p_grace_secs double precision, p_first integer, p_last integer)
    RETURNS TABLE (req integer, answer lease_acquisition) LANGUAGE plpgsql VOLATILE
    -- Every table access of a batch is by key. A plan cached while lease and tunnel were small (a new deployment)
    -- may otherwise join the releases to them by scanning both, and keep doing so: seen in the benchmark as one
    -- scan of lease (and its dead rows) and of the whole tunnel table per batch.
    SET enable_seqscan = off
    SET plan_cache_mode = force_generic_plan -- see above
    AS $$
DECLARE
    releases  integer := coalesce(array_length(r_accounts, 1), 0);
    acquires  integer := coalesce(array_length(a_accounts, 1), 0);
    target    integer[] := array_fill(0, ARRAY[greatest(acquires, 1)]);
    done      boolean[] := array_fill(false, ARRAY[greatest(acquires, 1)]);
    a         lease_acquisition;
    w         record;
    j         integer;
BEGIN
    -- The gateways, one look each (a batch comes from a few gateways): every acquisition through a gateway that is
    -- unknown or expired is refused.
    FOR w IN SELECT DISTINCT g.gateway FROM unnest(a_gateways) AS g(gateway) LOOP
        a := lease_gateway_refusal(w.gateway);
        IF a.outcome IS NOT NULL THEN
            FOR j IN 1..acquires LOOP
                IF a_gateways[j] = w.gateway THEN
                    req := releases + j; answer := a; done[j] := true;
                    RETURN NEXT;
                END IF;
            END LOOP;
        END IF;
    END LOOP;

    -- The port each other acquisition aims at, in one statement: the one it names, else the one its key's agent
    -- holds or held within the grace period (lease_resumable_port's rule), else 0 (any free port).
    IF acquires > 0 THEN
        target := ARRAY(
            SELECT CASE WHEN done[q.i] THEN 0 WHEN a_ports[q.i] <> 0 THEN a_ports[q.i] ELSE coalesce((
                SELECT o.port FROM lease o
                    WHERE a_agents[q.i] <> '' AND o.account_id = a_accounts[q.i]
                      AND o.api_key_id = a_api_keys[q.i] AND o.agent_id = a_agents[q.i]
                      AND o.port BETWEEN p_first AND p_last AND o.state IN ('LIVE', 'EXPIRED')
                      AND o.expires_at >= now() - make_interval(secs => p_grace_secs)
                    ORDER BY o.port LIMIT 1), 0) END
                FROM generate_series(1, acquires) AS q(i) ORDER BY q.i);
    END IF;

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
            -- "ended_at IS NULL" means LIVE (a V1 check).
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

    FOR w IN SELECT s.req, s.answer FROM lease_claim_free_set(
            ARRAY(SELECT q.i FROM generate_series(1, acquires) AS q(i) WHERE NOT done[q.i] ORDER BY q.i), a_accounts,
            a_api_keys, a_gateways, a_agents, a_agent_hosts, a_agent_versions, p_ttl_secs, p_grace_secs, p_first,
            p_last) s LOOP
        req := releases + w.req; answer := w.answer; done[w.req] := true;
        RETURN NEXT;
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
