/** The data exchange: money (a double-entry journal, top-ups from bank statements); products and contracts follow. */
@ApplicationModule(
        displayName = "Exchange",
        allowedDependencies = {"authz", "audit", "catalog", "identity", "platform"})
package vn.datafloor.server.exchange;

import org.springframework.modulith.ApplicationModule;
