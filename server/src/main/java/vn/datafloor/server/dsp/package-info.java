/**
 * The Eclipse Dataspace Protocol 2025-1: Datafloor's catalog, negotiations and transfers with other
 * connectors, as provider (the exchange's offers, contracts and delivery) and as consumer (docs/dsp.md).
 */
@ApplicationModule(
        displayName = "Dataspace Protocol",
        allowedDependencies = {"authz", "audit", "catalog", "exchange", "identity", "platform"})
package vn.datafloor.server.dsp;

import org.springframework.modulith.ApplicationModule;
