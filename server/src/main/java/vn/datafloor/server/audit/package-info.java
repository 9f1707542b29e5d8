/** The ledger, the outbox to it, audit events and their index, commitments, checkpoints. */
@ApplicationModule(
        displayName = "Audit and ledger",
        allowedDependencies = {"authz", "platform"})
package vn.datafloor.server.audit;

import org.springframework.modulith.ApplicationModule;
