/** The ./datafloor commands. */
@ApplicationModule(
        displayName = "Command line",
        allowedDependencies = {"access", "audit", "catalog", "demo", "exchange", "linkage", "privacy"})
package vn.datafloor.server.cli;

import org.springframework.modulith.ApplicationModule;
