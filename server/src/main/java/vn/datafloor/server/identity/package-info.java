/** Organisations, users, roles, API keys, sign-in. */
@ApplicationModule(
        displayName = "Identity",
        allowedDependencies = {"authz", "audit", "platform"})
package vn.datafloor.server.identity;

import org.springframework.modulith.ApplicationModule;
