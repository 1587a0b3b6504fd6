-- A connector's tunnel_port was held to 30000-30099, a second copy of tunnel-registry's port pool: a change of the
-- registry's setting (secureconnect.registry.ports.first/last) then could not be followed here. The pool has one
-- owner, the registry; this column keeps only the protocol's limits, and ResolveBuildNetwork answers a port outside
-- the pool with FAILED_PRECONDITION PORT_OUT_OF_RANGE naming the pool (tunnel-registry's own answer).
ALTER TABLE connector DROP CONSTRAINT connector_tunnel_port_check;
ALTER TABLE connector ADD CONSTRAINT connector_tunnel_port_check CHECK (tunnel_port BETWEEN 1 AND 65535);
