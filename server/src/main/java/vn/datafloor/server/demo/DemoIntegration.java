package vn.datafloor.server.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import vn.datafloor.integration.connect.SourceConnector;
import vn.datafloor.integration.connect.SourceConnectors;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationKind;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.identity.UserService;
import vn.datafloor.server.integration.IntegrationPaths;
import vn.datafloor.server.integration.PipelineService;
import vn.datafloor.server.integration.RunService;
import vn.datafloor.server.integration.SourceService;
import vn.datafloor.server.platform.DatafloorProperties;
import vn.datafloor.synth.SynthOptions;
import vn.datafloor.synth.SyntheticPopulation;

/**
 * The demo's data: a synthetic population (default 50,000 people, {@code --people} to change) and
 * the extracts six fictional agencies hold about it, registered as their sources, with their
 * pipelines run once, so the first screen already shows clean datasets and quality reports.
 * Restarting the demo reuses what is there.
 */
@Component
@Order(20)
@ConditionalOnProperty(name = "datafloor.demo", havingValue = "true")
class DemoIntegration implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoIntegration.class);

    /** An agency, its data steward, and the extract it supplies. */
    record Agency(
            String organisation,
            OrganisationKind kind,
            String steward,
            String stewardName,
            String source,
            String type,
            String file,
            Map<String, String> settings,
            String pipeline) {

        /** Whether the extract is uploaded as the source's file; otherwise it is a database file put in the inbox. */
        boolean takesFile() {
            return SourceConnectors.get(type).reach() == SourceConnector.Reach.UPLOADED_FILE;
        }
    }

    static final List<Agency> AGENCIES = List.of(
            new Agency(
                    "Sở Tư pháp Hà Nội",
                    OrganisationKind.STATE_AGENCY,
                    "hotich.dulieu",
                    "Ngô Thị Thanh Tâm",
                    "ho-tich.cong-dan",
                    "csv",
                    "civil-registry/people.csv",
                    Map.of("encoding", "utf-8"),
                    "ho-tich-cong-dan"),
            new Agency(
                    "Cục Thuế tỉnh Bắc Ninh",
                    OrganisationKind.STATE_AGENCY,
                    "thue.dulieu",
                    "Trịnh Văn Quang",
                    "thue.nguoi-nop-thue",
                    "csv",
                    "tax/taxpayers.csv",
                    Map.of("encoding", "auto"),
                    "thue-nguoi-nop-thue"),
            new Agency(
                    "Bảo hiểm xã hội Việt Nam",
                    OrganisationKind.STATE_AGENCY,
                    "bhxh.dulieu",
                    "Đinh Thị Mai",
                    "bhxh.nguoi-tham-gia",
                    "jsonl",
                    "social-insurance/insured.jsonl",
                    Map.of(),
                    "bhxh-nguoi-tham-gia"),
            new Agency(
                    "Sở Y tế Hà Nội",
                    OrganisationKind.STATE_AGENCY,
                    "yte.dulieu",
                    "Nguyễn Thị Ngọc Ánh",
                    "y-te.benh-nhan",
                    "csv",
                    "health/patients.csv",
                    Map.of("encoding", "auto"),
                    "y-te-benh-nhan"),
            new Agency(
                    "Sở Kế hoạch và Đầu tư Bắc Ninh",
                    OrganisationKind.STATE_AGENCY,
                    "dkkd.dulieu",
                    "Lương Văn Tiến",
                    "dkkd.doanh-nghiep",
                    "jdbc",
                    "business-registry/registry.duckdb",
                    Map.of("table", "doanh_nghiep", "watermark", "ngay_dang_ky"),
                    "dkkd-doanh-nghiep"),
            new Agency(
                    "Cục Quản lý thị trường",
                    OrganisationKind.STATE_AGENCY,
                    "qltt.dulieu",
                    "Phan Thị Hồng",
                    "qltt.san-pham",
                    "csv",
                    "market/products.csv",
                    Map.of("encoding", "utf-8"),
                    "qltt-san-pham"));

    private final OrganisationService organisations;
    private final UserService users;
    private final SourceService sources;
    private final PipelineService pipelines;
    private final RunService runs;
    private final IntegrationPaths paths;
    private final vn.datafloor.server.linkage.RegisterService register;
    private final Path synthDir;
    private final long people;

    DemoIntegration(
            OrganisationService organisations,
            UserService users,
            SourceService sources,
            PipelineService pipelines,
            RunService runs,
            IntegrationPaths paths,
            vn.datafloor.server.linkage.RegisterService register,
            DatafloorProperties properties,
            @Value("${datafloor.demo.people:50000}") long people) {
        this.organisations = organisations;
        this.users = users;
        this.sources = sources;
        this.pipelines = pipelines;
        this.runs = runs;
        this.paths = paths;
        this.register = register;
        this.synthDir = properties.dataDir().resolve("synth");
        this.people = people;
    }

    @Override
    public void run(ApplicationArguments args) throws Exception {
        if (!Files.exists(synthDir.resolve("manifest.json"))) {
            log.info("Generating a synthetic population of {} people for the demo…", people);
            SyntheticPopulation.generate(SynthOptions.of(people, 42), synthDir, (done, total) -> {});
        }
        for (Agency agency : AGENCIES) {
            Organisation org = organisations.bootstrap(agency.organisation(), agency.kind());
            users.bootstrapStaff(
                    org.id(),
                    agency.steward(),
                    agency.stewardName(),
                    null,
                    EnumSet.of(Role.DATA_STEWARD),
                    DemoData.PASSWORD);
            long sourceId = sources.visibleTo(Actor.SYSTEM, org.id()).stream()
                    .filter(s -> s.name().equals(agency.source()))
                    .map(SourceService.Source::id)
                    .findFirst()
                    .orElseGet(() -> register(org.id(), agency));
            if (agency.takesFile()
                    && sources.visibleTo(Actor.SYSTEM, org.id()).stream()
                            .anyMatch(s -> s.id() == sourceId && s.location() == null)) {
                try (InputStream in = Files.newInputStream(synthDir.resolve(agency.file()))) {
                    sources.upload(
                            Actor.SYSTEM,
                            sourceId,
                            Path.of(agency.file()).getFileName().toString(),
                            in);
                }
            }
            String spec = resource("/demo/pipelines/" + agency.pipeline() + ".yaml");
            PipelineService.Pipeline pipeline = pipelines.save(Actor.SYSTEM, org.id(), spec);
            if (runs.latestStatus(pipeline.id()).filter("SUCCEEDED"::equals).isEmpty()) {
                RunService.PipelineRun run = runs.runAndWait(Actor.SYSTEM, pipeline.id(), "DEMO");
                log.info(
                        "Demo pipeline {}: {} ({} published, {} quarantined)",
                        agency.pipeline(),
                        run.status(),
                        run.rowsPublished(),
                        run.rowsQuarantined());
            }
        }
        if (register.entityCount() == 0) {
            var built = register.rebuild(Actor.SYSTEM);
            log.info("Demo register: {} entities from {} records", built.entities(), built.records());
        }
    }

    private long register(long orgId, Agency agency) {
        Map<String, String> settings = new LinkedHashMap<>(agency.settings());
        if (!agency.takesFile()) {
            // The registry's database file sits in the agency's inbox, as a real agency's export would.
            Path target = paths.inbox(orgId).resolve(agency.file());
            try {
                Files.createDirectories(target.getParent());
                Files.copy(synthDir.resolve(agency.file()), target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            settings.put("url", "jdbc:duckdb:" + agency.file());
        }
        return sources.register(Actor.SYSTEM, orgId, agency.source(), agency.type(), settings, null)
                .id();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoIntegration.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
