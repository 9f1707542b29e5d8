package vn.datafloor.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeManifest;

/**
 * The lake has one writer. In the server, only the publishing service stages, publishes or discards a
 * version: every version is then claimed, recorded on the ledger and announced. In the engines, only
 * the pipeline runner and the change follower (docs/cdc.md) do, which in the server publish through the
 * service they are handed.
 */
class LakeWriterRulesTest {

    private static JavaClasses platform;

    @BeforeAll
    static void importClasses() {
        platform = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(
                        "vn.datafloor.server",
                        "vn.datafloor.integration",
                        "vn.datafloor.linkage",
                        "vn.datafloor.catalog");
    }

    @Test
    void onlyThePublishingServiceWritesTheLake() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.integration.DatasetPublishing")
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.integration.pipeline.PipelineRunner")
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.integration.cdc.ChangeFollower")
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.integration.lake.Lake")
                .should()
                .callMethod(Lake.class, "publish", Path.class, LakeManifest.class)
                .orShould()
                .callMethod(Lake.class, "stage", String.class)
                .orShould()
                .callMethod(Lake.class, "discard", Path.class)
                .because("a version published anywhere else would miss its ledger entry and its event")
                .check(platform);
    }
}
