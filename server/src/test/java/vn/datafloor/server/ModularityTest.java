package vn.datafloor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * Capabilities talk through each other's public services, never through internals (package-private
 * here), only to the capabilities their {@code package-info.java} allows, and without cycles. The
 * module diagrams in {@code docs/modules} are Spring Modulith's output for the code as it is.
 */
class ModularityTest {

    private static final ApplicationModules MODULES = ApplicationModules.of(DatafloorApplication.class);

    /** The committed diagrams; {@code -Ddatafloor.update-module-docs=true} rewrites them. */
    private static final Path COMMITTED = Path.of("..", "docs", "modules");

    @Test
    void capabilitiesRespectTheirBoundaries() {
        MODULES.verify();
    }

    @Test
    void theModuleDiagramsInTheDocsAreCurrent() throws IOException {
        Path generated = Path.of("target", "spring-modulith-docs");
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(generated.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
        if (Boolean.getBoolean("datafloor.update-module-docs")) {
            Files.createDirectories(COMMITTED);
            try (Stream<Path> files = Files.list(generated)) {
                for (Path file : files.toList()) {
                    Files.copy(file, COMMITTED.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        try (Stream<Path> files = Files.list(generated)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".puml")).toList()) {
                Path committed = COMMITTED.resolve(file.getFileName());
                assertThat(committed)
                        .as("docs/modules is stale: run ./mvnw -pl server -am test -Dtest=ModularityTest "
                                + "-Ddatafloor.update-module-docs=true -Dsurefire.failIfNoSpecifiedTests=false")
                        .exists();
                // Modulith writes relations in no fixed order: the same lines, in any order, are the same diagram.
                assertThat(Files.readAllLines(committed))
                        .as("%s is stale: regenerate it as above", committed)
                        .containsExactlyInAnyOrderElementsOf(Files.readAllLines(file));
            }
        }
    }
}
