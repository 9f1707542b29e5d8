/** The ./datafloor commands. */
@ApplicationModule(
        displayName = "Command line",
        allowedDependencies = {"audit", "demo"})
package vn.datafloor.server.cli;

import org.springframework.modulith.ApplicationModule;
