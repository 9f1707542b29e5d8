package vn.datafloor.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Actor;

/**
 * One decision point, really: the platform's own work goes through {@code AccessPolicy} as
 * {@link Actor#SYSTEM}, not through twins of service methods that skip it; no request handler acts as
 * the platform; production code carries no methods made for tests.
 */
class PolicyRulesTest {

    private static JavaClasses server;

    @BeforeAll
    static void importClasses() {
        server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("vn.datafloor.server");
    }

    @Test
    void noServiceMethodStepsAroundThePolicy() {
        noMethods()
                .should()
                .haveNameMatching(".*AsSystem|visibleToSystem.*|.*ForTests?")
                .because(
                        "the platform is an actor the policy decides for (Actor.SYSTEM), and tests use the real methods")
                .check(server);
    }

    @Test
    void noRequestHandlerActsAsThePlatform() {
        noClasses()
                .that()
                .areAnnotatedWith(Controller.class)
                .or()
                .areAnnotatedWith(RestController.class)
                .should()
                .accessField(Actor.class, "SYSTEM")
                .because("a request acts as the person who made it")
                .check(server);
    }
}
