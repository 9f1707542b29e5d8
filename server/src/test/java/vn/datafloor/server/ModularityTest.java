package vn.datafloor.server;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Capabilities talk through each other's public services, never through internals, and without cycles. */
class ModularityTest {

    @Test
    void capabilitiesRespectTheirBoundaries() {
        ApplicationModules.of(DatafloorApplication.class).verify();
    }
}
