-- frp: sessions and proxies belong to one frps instance, and each frps has one port space.
--
-- A stock frps binds every proxy's remote port on its own host, whichever account the proxy is of; and it assigns
-- run_ids itself (server/service.go RegisterControl), so a run_id is unique only on the frps that gave it. Until now
-- run_id was global and two proxies could be recorded on one port of one frps (two proxies of one frpc asking for
-- port 0 got the same lease; an account could be granted a port another account's proxy held on that frps).
--
-- 1. Every session and proxy names its frps instance (the path secret's instance, FrpInstances); rows written before
--    this migration came from the single configured frps, instance 'default'.
ALTER TABLE frp_proxy DROP CONSTRAINT frp_proxy_run_id_fkey;
ALTER TABLE frp_session ADD COLUMN frps_id varchar(64) NOT NULL DEFAULT 'default';
ALTER TABLE frp_session ALTER COLUMN frps_id DROP DEFAULT;
ALTER TABLE frp_session DROP CONSTRAINT frp_session_pkey;
ALTER TABLE frp_session ADD PRIMARY KEY (frps_id, run_id);

ALTER TABLE frp_proxy ADD COLUMN frps_id varchar(64) NOT NULL DEFAULT 'default';
ALTER TABLE frp_proxy ALTER COLUMN frps_id DROP DEFAULT;
-- the API key of the proxy's login: a port recorded for a proxy of the same key may be taken over (FrpLeases)
ALTER TABLE frp_proxy ADD COLUMN api_key_id varchar(128) NOT NULL DEFAULT '';
UPDATE frp_proxy p SET api_key_id = s.api_key_id FROM frp_session s WHERE s.run_id = p.run_id;
ALTER TABLE frp_proxy DROP CONSTRAINT frp_proxy_pkey;
ALTER TABLE frp_proxy ADD PRIMARY KEY (frps_id, run_id, proxy_name);
ALTER TABLE frp_proxy ADD FOREIGN KEY (frps_id, run_id) REFERENCES frp_session (frps_id, run_id) ON DELETE CASCADE;

-- 2. One proxy per port of an frps. Rows the old rule let share a port shared one lease too: keep the newest.
DELETE FROM frp_proxy a USING frp_proxy b
    WHERE a.frps_id = b.frps_id AND a.port = b.port
      AND (a.created_at, a.run_id, a.proxy_name) < (b.created_at, b.run_id, b.proxy_name);
CREATE UNIQUE INDEX frp_proxy_one_per_port ON frp_proxy (frps_id, port);
