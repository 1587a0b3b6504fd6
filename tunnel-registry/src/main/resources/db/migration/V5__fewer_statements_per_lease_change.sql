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
--    lease_batch lives in R__lease_functions.sql.
--
-- 3. lease_resumable_port (the single acquisition's path, lease_acquire) in PL/pgSQL, whose plan is kept per
--    connection, instead of SQL, whose body was set up again on every call: also in R__lease_functions.sql.
