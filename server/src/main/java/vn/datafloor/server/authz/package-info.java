/** The one decision point: AccessPolicy over the Action table; depends on nothing. */
@ApplicationModule(
        displayName = "Authorization",
        allowedDependencies = {})
package vn.datafloor.server.authz;

import org.springframework.modulith.ApplicationModule;
