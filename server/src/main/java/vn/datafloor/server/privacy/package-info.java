/**
 * Privacy: the data subject's consents (ISO/IEC TS 27560 records), data-subject requests with their
 * deadlines in Vietnamese working days, personal-data breaches with their 72-hour notification; who
 * saw my data (the access index with its commitments to the subjects of each access) and the
 * citizen's home.
 */
@ApplicationModule(
        displayName = "Privacy",
        allowedDependencies = {"authz", "audit", "catalog", "exchange", "identity", "integration", "linkage", "platform"
        })
package vn.datafloor.server.privacy;

import org.springframework.modulith.ApplicationModule;
