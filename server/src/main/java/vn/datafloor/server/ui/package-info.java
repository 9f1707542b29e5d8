/** The shared layout and each role's dashboard. */
@ApplicationModule(
        displayName = "Dashboard and layout",
        allowedDependencies = {
            "authz",
            "audit",
            "catalog",
            "exchange",
            "identity",
            "integration",
            "linkage",
            "platform",
            "privacy"
        })
package vn.datafloor.server.ui;

import org.springframework.modulith.ApplicationModule;
