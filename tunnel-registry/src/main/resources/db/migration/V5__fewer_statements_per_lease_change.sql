-- Fewer statements per lease change, and no regular expression on every write of a lease row.
--
-- Measured in the benchmark (perf on PostgreSQL's backends, batches of ~50 acquisitions and releases): 8 % of the
-- database's time went to the CHECK on lease.account_id, a regular expression that PostgreSQL evaluates on every
-- INSERT and UPDATE of the row (every acquisition, renewal, release and expiry), although the account of a row never
-- changes; and each acquisition of a batch ran two statements of its own before any claim (its gateway's state, its
-- resumable port), each paying a statement's start and end.
--
-- 1. The account's rule moves into a domain: a domain's CHECK is evaluated where a value is converted to it (an
--    INSERT of a new (account, port) row, or an UPDATE that sets account_id), not when other columns of the row
--    change. The rule itself is unchanged; rows that break it cannot exist (V1's CHECK held until now).
CREATE DOMAIN account_ident AS varchar(64) CHECK (VALUE ~ '^[A-Za-z0-9_-]{1,64}$');
ALTER TABLE lease DROP CONSTRAINT lease_account_id_check;
ALTER TABLE lease ALTER COLUMN account_id TYPE account_ident;

-- 2. lease_batch as in V4, but for its first step: one look per distinct gateway, and the target ports of all
--    acquisitions in one statement, instead of two statements per acquisition.
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

-- 3. lease_resumable_port (the single acquisition's path, lease_acquire) in PL/pgSQL, whose plan is kept per
--    connection, instead of SQL, whose body was set up again on every call.
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
