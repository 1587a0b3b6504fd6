-- Cheaper lease writes: the "any port" requests of a batch claimed together, and lease updates that stay on their page.
--
-- 1. A lease's update no longer touches an index unless its (account, port) changes, which it never does, so
--    PostgreSQL can keep every acquisition, renewal, release and expiry a heap-only (HOT) update: no new index entries,
--    less WAL, no index bloat from heartbeats. Two indexes go:
--    - lease.epoch UNIQUE: epochs come from one sequence, and "each epoch is granted once" stays a constraint, on
--      lease_event (lease_event_one_grant_per_epoch), in the same transaction as every grant;
--    - lease_live_expiry (expires_at WHERE state = 'LIVE'): only the sweeper used it, and renewals changed it on every
--      heartbeat. The sweeper reads the lease table instead: one row per (account, port) ever leased.
--    Pages are left half empty (fillfactor 50) so that the new version of a row fits beside the old one; tunnel rows,
--    updated by every renewal (counters, last heartbeat) and their disconnection, likewise (70).
ALTER TABLE lease DROP CONSTRAINT lease_epoch_key;
DROP INDEX lease_live_expiry;
ALTER TABLE lease SET (fillfactor = 50);
ALTER TABLE tunnel SET (fillfactor = 70);

-- 2. The "any port" requests of a batch, claimed together: three statements for all of them instead of about ten per
-- request (each of those a statement to start and end, most of the cost of a batch). With 1. as well, fifty
-- acquisitions and their releases take 9 ms of one backend instead of 16-19 ms (pgbench, one batch per transaction).
--
-- lease_claim_free_set serves the common case only: each request gets the n-th free port of its account (n its rank
-- among the batch's requests of that account), provided that port is not being claimed by another transaction (a
-- try-lock), and its lease row is either absent or ended (RELEASED, FORCE_RELEASED, or EXPIRED past the grace
-- period) and not locked. Every other request (a LIVE row the sweeper has not ended yet, a lost race) is left out of
-- the answer, and lease_batch gives it to lease_claim_free as before. Nothing here waits for a lock, as before.
-- a_reqs names the requests to serve, as indexes into the a_* arrays (lease_batch's acquisitions); req is that index.

CREATE FUNCTION lease_claim_free_set(a_reqs integer[], a_accounts varchar[], a_api_keys varchar[],
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

-- lease_batch as in V3, but for its last step: the remaining port-0 requests go to lease_claim_free_set first, and
-- only those it left out to lease_claim_free one by one.
CREATE OR REPLACE FUNCTION lease_batch(r_accounts varchar[], r_ports integer[], r_epochs bigint[], r_gateways varchar[],
        a_accounts varchar[], a_ports integer[], a_api_keys varchar[], a_gateways varchar[], a_agents varchar[],
        a_agent_hosts varchar[], a_agent_versions varchar[], p_ttl_secs double precision,
        p_grace_secs double precision, p_first integer, p_last integer)
    RETURNS TABLE (req integer, answer lease_acquisition) LANGUAGE plpgsql VOLATILE
    -- Every table access of a batch is by key. A plan cached while lease and tunnel were small (a new deployment)
    -- may otherwise join the releases to them by scanning both, and keep doing so: seen in the benchmark as one
    -- scan of lease (and its dead rows) and of the whole tunnel table per batch.
    SET enable_seqscan = off
    SET plan_cache_mode = force_generic_plan -- see 3. below
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

-- 3. Generic plans (lease_batch, above, and lease_acquire) for every statement of a lease change, planned once per
--    connection. PostgreSQL otherwise plans the first five executions of each statement for their parameters and
--    keeps doing so when the generic plan's estimate looks worse, as it does for statements over parameter arrays:
--    the planning of lease_batch's statements then cost a lone acquisition and release ~3 ms of one backend, three
--    times their execution (1.4 ms with generic plans; a batch of fifty 6.8 -> 5.9 ms). Every access stays by key
--    (enable_seqscan off), which is what a custom plan would choose here too.
ALTER FUNCTION lease_acquire(varchar, integer, varchar, varchar, varchar, varchar, varchar, boolean, double precision,
    double precision, integer, integer) SET plan_cache_mode = force_generic_plan;
