/** Sources, pipelines, runs, datasets and the one way into the lake, network allowances. */
@ApplicationModule(
        displayName = "Integration",
        allowedDependencies = {"authz", "audit", "identity", "platform"})
package vn.datafloor.server.integration;

import org.springframework.modulith.ApplicationModule;
