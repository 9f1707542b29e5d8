package vn.datafloor.server.linkage;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.LakeManifest;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.integration.DatasetPublishing;

/**
 * The register's way into the lake: the platform's one publishing service, on behalf of the
 * operator's organisation, which owns the register.
 */
@Component
class RegisterPublication {

    private final DatasetPublishing publishing;
    private final OrganisationService organisations;

    RegisterPublication(DatasetPublishing publishing, OrganisationService organisations) {
        this.publishing = publishing;
        this.organisations = organisations;
    }

    Path stage() {
        return publishing.stage(RegisterService.DATASET);
    }

    void discard(Path staging) {
        publishing.discard(staging);
    }

    /**
     * Publishes the staged register: into the lake, on the ledger as DATASET_PUBLISHED like every other
     * publication (the register holds everyone's data), and announced as a DatasetPublished event.
     */
    DatasetVersion publish(Path staging, LakeManifest manifest) {
        long operatorOrg = organisations
                .operatorId()
                .orElseThrow(() -> new IllegalStateException(
                        "The register is published by the operator's organisation, and there is none yet"));
        return publishing.publish(
                staging,
                manifest,
                DatasetPublishing.Publication.bySystem(
                        operatorOrg,
                        DatasetPublishing.Via.REGISTER,
                        manifest.rowCount() + " entities",
                        Map.of("run", manifest.runId())));
    }
}
