package vn.datafloor.server.linkage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import vn.datafloor.server.integration.DatasetPublished;

/**
 * Keeps the register living: when a person dataset gets a new version, its new records are linked
 * into the register at once (in the run's background thread), without touching existing identifiers.
 */
@Component
class LivingRegister {

    private static final Logger log = LoggerFactory.getLogger(LivingRegister.class);

    private final RegisterService register;

    LivingRegister(RegisterService register) {
        this.register = register;
    }

    @TransactionalEventListener
    void onDatasetPublished(DatasetPublished published) {
        if (register.entityCount() == 0 || !register.isPersonDataset(published.dataset())) {
            return; // no register yet (the first build links everything), or not about people
        }
        try {
            var run = register.update(vn.datafloor.server.authz.Actor.SYSTEM);
            log.info(
                    "Register updated after {} v{}: {} new records",
                    published.dataset(),
                    published.version(),
                    run.records());
        } catch (RuntimeException e) {
            // The dataset is published whatever happens here; the next update or rebuild catches up.
            log.warn(
                    "Register update after {} v{} failed: {}",
                    published.dataset(),
                    published.version(),
                    e.getMessage());
        }
    }
}
