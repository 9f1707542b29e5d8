/**
 * The data subject's side: who saw my data (the access index with its commitments to the subjects of
 * each access), the citizen's home, consent, data-subject requests and breaches.
 */
@ApplicationModule(
        displayName = "Privacy",
        allowedDependencies = {"authz", "audit", "identity", "integration", "linkage", "platform"})
package vn.datafloor.server.privacy;

import org.springframework.modulith.ApplicationModule;
