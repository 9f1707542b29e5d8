package vn.datafloor.server.linkage;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.integration.DatasetPublished;
import vn.datafloor.server.integration.DatasetService;
import vn.datafloor.server.integration.IntegrationPaths;

/**
 * The one place the register publishes a dataset version. Deliberately a single method: the
 * platform-wide publishing service (the durability issue) replaces its inside, nothing around it.
 */
@Component
class RegisterPublication {

    private final IntegrationPaths paths;
    private final AuditLog audit;
    private final OrganisationService organisations;
    private final DatasetService datasets;
    private final ApplicationEventPublisher events;

    RegisterPublication(IntegrationPaths paths, AuditLog audit, OrganisationService organisations, DatasetService datasets,
            ApplicationEventPublisher events) {
        this.paths = paths;
        this.audit = audit;
        this.organisations = organisations;
        this.datasets = datasets;
        this.events = events;
    }

    /**
     * Publishes a staged folder (from {@code Lake.stage}, its files written) with its manifest: the
     * version goes into the lake, on the ledger as DATASET_PUBLISHED like every other publication (the
     * register holds everyone's data), and is announced as a {@link DatasetPublished} event.
     */
    DatasetVersion publish(Path staging, LakeManifest manifest) {
        String dataset = manifest.dataset();
        DatasetVersion published = paths.lake().publish(staging, manifest);
        Long operatorOrg = organisations.operatorId().orElse(null);
        audit.record(new AuditEvent(EventType.DATASET_PUBLISHED, null, null, operatorOrg, AuditEvent.Outcome.SUCCESS, null,
                dataset + " v" + published.version() + ": " + manifest.rowCount() + " entities",
                Map.of("dataset", dataset, "version", Integer.toString(published.version()), "run", manifest.runId(),
                        "rows", Long.toString(manifest.rowCount()), "via", "register")));
        if (operatorOrg != null) {
            datasets.claimForSystem(dataset, operatorOrg, manifest.createdAt());
            events.publishEvent(new DatasetPublished(dataset, published.version(), operatorOrg));
        }
        return published;
    }
}
