package vn.datafloor.server.integration;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Manifest;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.platform.ProblemException;

/** Datasets in the lake and their version history, with where each version came from. */
@Service
public class DatasetService {

    private final IntegrationStore store;
    private final IntegrationPaths paths;
    private final AccessPolicy policy;

    DatasetService(IntegrationStore store, IntegrationPaths paths, AccessPolicy policy) {
        this.store = store;
        this.paths = paths;
        this.policy = policy;
    }

    public record Version(int version, Instant createdAt, long rows, List<Manifest.Column> columns, Manifest.Diff diff,
            Map<String, String> lineage, String runId) {}

    public record Dataset(String name, long orgId, List<Version> versions) {
        public Version latest() {
            return versions.isEmpty() ? null : versions.get(versions.size() - 1);
        }
    }

    public List<Dataset> visibleTo(Actor actor) {
        policy.require(actor, Action.VIEW_INTEGRATION);
        Long org = policy.seesAllTenants(actor, Action.VIEW_INTEGRATION) ? null : actor.orgId();
        return store.datasetsOf(org).stream().map(this::dataset).toList();
    }

    public Dataset get(Actor actor, String name) {
        long owner = store.datasetOwner(name).orElseThrow(() -> ProblemException.notFound("No dataset " + name));
        policy.require(actor, Action.VIEW_INTEGRATION, owner);
        return dataset(name);
    }

    /** Records that an organisation owns a dataset the platform itself publishes (the register). */
    public void claimForSystem(String dataset, long orgId, java.time.Instant now) {
        if (store.datasetOwner(dataset).isEmpty()) {
            store.claimDataset(dataset, orgId, now);
        }
    }

    /** Total published rows of the latest versions, for the dashboard. */
    public long count() {
        return store.datasetsOf(null).size();
    }

    private Dataset dataset(String name) {
        long owner = store.datasetOwner(name).orElseThrow();
        List<Version> versions = paths.lake().versions(name).stream().map(DatasetService::version).toList();
        return new Dataset(name, owner, versions);
    }

    private static Version version(DatasetVersion v) {
        Manifest m = v.manifest();
        return new Version(v.version(), m.createdAt(), m.rowCount(), m.columns(), m.diff(), m.lineage(), m.runId());
    }
}
