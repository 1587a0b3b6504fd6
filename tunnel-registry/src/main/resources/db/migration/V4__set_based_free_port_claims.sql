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
-- lease_claim_free_set, and lease_batch giving it the remaining port-0 requests of a batch, live in
-- R__lease_functions.sql.
--
-- 3. Generic plans for lease_batch and lease_acquire (their SET plan_cache_mode = force_generic_plan, and why): also
--    in R__lease_functions.sql.
