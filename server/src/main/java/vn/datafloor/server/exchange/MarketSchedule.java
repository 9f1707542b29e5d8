package vn.datafloor.server.exchange;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** The market's clockwork: subscriptions renewed when their period ends, usage charged once a month ends. */
@Component
class MarketSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(MarketSchedule.class);

    private final ContractService contracts;

    MarketSchedule(ContractService contracts) {
        this.contracts = contracts;
    }

    @Scheduled(fixedDelayString = "${datafloor.exchange.billing-interval:PT15M}", initialDelayString = "PT1M")
    void bill() {
        int renewed = contracts.renewDue();
        int charged = contracts.chargeUsage();
        if (renewed + charged > 0) {
            LOG.info("Billing: {} subscription(s) renewed, {} monthly usage charge(s)", renewed, charged);
        }
    }
}
