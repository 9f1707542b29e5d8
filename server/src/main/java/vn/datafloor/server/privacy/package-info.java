/**
 * Privacy: the data subject's consents (ISO/IEC TS 27560 records), data-subject requests with their
 * deadlines in Vietnamese working days, and personal-data breaches with their 72-hour notification.
 */
@ApplicationModule(
        displayName = "Privacy",
        allowedDependencies = {"authz", "audit", "catalog", "exchange", "identity", "platform"})
package vn.datafloor.server.privacy;

import org.springframework.modulith.ApplicationModule;
