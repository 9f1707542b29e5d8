package vn.datafloor.server.catalog;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import vn.datafloor.server.platform.ClusterNode;

/**
 * On an API replica, where no scheduler runs ({@code platform.Scheduling}), the catalog's search index
 * still picks up the entries other processes changed, at the same interval as on the writer.
 */
@Component
class ReplicaIndexRefresh {

    private static final Logger log = LoggerFactory.getLogger(ReplicaIndexRefresh.class);

    private final CatalogService catalog;
    private final ClusterNode node;
    private final Duration interval;
    private ScheduledExecutorService timer;

    ReplicaIndexRefresh(
            CatalogService catalog,
            ClusterNode node,
            @Value("${datafloor.catalog.index-refresh:PT30S}") Duration interval) {
        this.catalog = catalog;
        this.node = node;
        this.interval = interval;
    }

    @EventListener(ApplicationReadyEvent.class)
    synchronized void start() {
        if (node.writes() || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "catalog-index-refresh");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        catalog.refreshIndex();
                    } catch (RuntimeException e) {
                        log.warn("The catalog index could not be refreshed: {}", e.getMessage());
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    @jakarta.annotation.PreDestroy
    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
