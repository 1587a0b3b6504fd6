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
--
-- The functions (lease_claim, lease_gateway_refusal, lease_resumable_port, lease_claim_free, lease_acquire,
-- lease_batch) live in R__lease_functions.sql, as they are now. What stays here is the end of V2's lease_take (on a
-- database a build before V3 migrated).
DROP FUNCTION IF EXISTS lease_take(varchar, integer, varchar, varchar, varchar, varchar, varchar, boolean,
    double precision, double precision, boolean);
