/** The national register of people: linkage runs, identifiers, golden values, review, publication. */
@ApplicationModule(
        displayName = "Register",
        allowedDependencies = {"authz", "audit", "identity", "integration", "platform"})
package vn.datafloor.server.linkage;

import org.springframework.modulith.ApplicationModule;
