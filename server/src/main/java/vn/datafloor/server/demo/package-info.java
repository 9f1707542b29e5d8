/** Loads the living demo world through the capabilities' services, as the platform. */
@ApplicationModule(
        displayName = "Demo loader",
        allowedDependencies = {"authz", "catalog", "exchange", "identity", "integration", "linkage", "platform"})
package vn.datafloor.server.demo;

import org.springframework.modulith.ApplicationModule;
