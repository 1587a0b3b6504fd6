package io.secureconnect.registry.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.secureconnect.proto.tunnelregistry.v1.PortRange;
import io.secureconnect.registry.pool.PortPool;
import org.junit.jupiter.api.Test;

/** Gateways learn the pool from this mapping: another setting of the pool is what they are told, nothing else. */
class PortRangeMappingTest {

    @Test
    void tellsGatewaysThePoolOfTheSettingWhateverItIs() {
        PortRange moved = ProtoMapping.portRange(new PortPool(31000, 31009));
        assertEquals(31000, moved.getFirst());
        assertEquals(31009, moved.getLast());

        PortRange single = ProtoMapping.portRange(new PortPool(40000, 40000));
        assertEquals(40000, single.getFirst());
        assertEquals(40000, single.getLast());
    }
}
