/**
 * Delivery: an agreement's data through REST, SQL, export and the sandbox, each through one enforcement
 * pipeline (docs/access.md).
 */
@ApplicationModule(
        displayName = "Access",
        allowedDependencies = {"authz", "audit", "catalog", "exchange", "identity", "integration", "platform", "privacy"
        })
package vn.datafloor.server.access;

import org.springframework.modulith.ApplicationModule;
