package vn.datafloor.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * User-written SQL reaches DuckDB only through the locked factory: the platform's code (server,
 * integration, linkage, catalog engines) opens no database connection except in
 * {@code DuckDbConnections}, and connects to agencies' databases only through the driver that
 * {@code JdbcSources} vetted. The synthetic-data generator and the benchmarks, which run no user SQL,
 * are outside these rules.
 */
class SqlContainmentRulesTest {

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
    void onlyTheFactoryOpensDuckDb() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("vn.datafloor.integration.lake.DuckDbConnections")
                .should()
                .callMethod(java.sql.DriverManager.class, "getConnection", String.class)
                .orShould()
                .callMethod(java.sql.DriverManager.class, "getConnection", String.class, java.util.Properties.class)
                .orShould()
                .callMethod(java.sql.DriverManager.class, "getConnection", String.class, String.class, String.class)
                .orShould()
                .callConstructor(org.duckdb.DuckDBDriver.class)
                .because("every DuckDB connection is opened by the one factory that can lock it")
                .check(platform);
    }

    @Test
    void agencyDatabasesAreReachedOnlyThroughTheVettedDriver() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName("vn.datafloor.integration.connect.SourceLoader")
                .should()
                .callMethod(java.sql.Driver.class, "connect", String.class, java.util.Properties.class)
                .because("JdbcSources vets the URL, the driver class and the host before a connection is made")
                .check(platform);
    }

    @Test
    void outboundHttpGoesThroughTheGuard() {
        noClasses()
                .that()
                .resideOutsideOfPackage("vn.datafloor.integration.connect..")
                .and()
                .resideInAnyPackage("vn.datafloor.integration..", "vn.datafloor.linkage..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.net.http.HttpClient")
                .because("outbound calls are guarded against SSRF in one place (GuardedHttp)")
                .check(platform);
        noClasses()
                .that()
                .haveNameNotMatching("vn\\.datafloor\\.integration\\.connect\\.GuardedHttp(\\$.*)?")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.hc.client5..")
                .check(platform);
    }
}
