/** Loads the living demo world through the capabilities' services, as the platform. */
@ApplicationModule(
        displayName = "Demo loader",
        allowedDependencies = {
            "access",
            "authz",
            "catalog",
            "exchange",
            "identity",
            "integration",
            "linkage",
            "platform",
            "privacy"
        })
package vn.datafloor.server.demo;

import org.springframework.modulith.ApplicationModule;
