-- One database per control-plane service (each service owns its schema and migrates it with Flyway).
-- Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d), as
-- POSTGRES_USER, who therefore owns all three. To re-run it: docker compose down -v.
CREATE DATABASE secureconnect_keys;      -- key-validator
CREATE DATABASE secureconnect_registry;  -- tunnel-registry
CREATE DATABASE secureconnect_policy;    -- connector-policy
