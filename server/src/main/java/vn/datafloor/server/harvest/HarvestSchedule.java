package vn.datafloor.server.harvest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** The harvest's clockwork: every minute, the sources whose interval has passed are harvested, as the platform. */
@Component
class HarvestSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(HarvestSchedule.class);

    private final HarvestService harvests;

    HarvestSchedule(HarvestService harvests) {
        this.harvests = harvests;
    }

    @Scheduled(
            fixedDelayString = "${datafloor.harvest.check-interval:PT1M}",
            initialDelayString = "${datafloor.harvest.check-interval:PT1M}")
    void harvestDue() {
        int ran = harvests.harvestDue();
        if (ran > 0) {
            LOG.info("Harvest: {} source(s) harvested on schedule", ran);
        }
    }
}
