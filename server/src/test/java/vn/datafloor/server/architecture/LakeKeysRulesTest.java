package vn.datafloor.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vn.datafloor.integration.lake.DatasetVersion;
import vn.datafloor.integration.lake.Lake;
import vn.datafloor.integration.lake.LakeKeys;
import vn.datafloor.server.integration.DatasetService;

/**
 * The readers that may decrypt the lake are a short, named list (docs/encryption.md). Anything else that
 * wants a version's rows goes through one of them, delivery above all, which decrypts only after the
 * agreement's policy allowed the access and copies out only the permitted, masked rows.
 */
class LakeKeysRulesTest {

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
    void onlyTheListedReadersDecryptTheLake() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("vn.datafloor.integration.lake.Lake")
                // the one door into the lake's clear copies for the server's capabilities
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.integration.DatasetService")
                // a run diffs against its own dataset's previous version
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.integration.pipeline.PipelineRunner")
                // change capture applies a batch of changes to its own dataset's previous version
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.integration.cdc.ChangeFollower")
                // delivery (REST, SQL, export), after the policy decision
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.access.AccessSessions")
                // the differential-privacy sandbox, after the policy decision
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.access.SandboxChannel")
                // profiling a new version; the preview (masked unless the owner's); the download (open or own)
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.catalog.CatalogService")
                // the master register links the people datasets, and keeps the rows of its last version it did not
                // touch
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.linkage.PersonRecords")
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.linkage.RegisterWriter")
                // the access benchmark and the demo loader pick test subjects as the provider holds them
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.access.AccessBench")
                .and()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.demo.DemoDelivery")
                .should()
                .callMethod(Lake.class, "clear", DatasetVersion.class, Path.class)
                .orShould()
                .callMethod(Lake.class, "clear", List.class, Path.class)
                .orShould()
                .callMethod(DatasetService.class, "clear", DatasetVersion.class, Path.class)
                .orShould()
                .callMethod(DatasetService.class, "clear", List.class, Path.class)
                .because("decrypting the lake is a trusted reader's act; docs/encryption.md lists them")
                .check(platform);
    }

    @Test
    void onlyTheCommandLineRewrapsDataKeys() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("vn.datafloor.server.cli.LakeCommands$RotateKey")
                .should()
                .callMethod(LakeKeys.class, "rewrap", Path.class)
                .check(platform);
    }
}
