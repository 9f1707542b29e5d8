/** Configuration, errors, client address, secrets, event redelivery. */
@ApplicationModule(
        displayName = "Platform",
        allowedDependencies = {"authz"})
package vn.datafloor.server.platform;

import org.springframework.modulith.ApplicationModule;
