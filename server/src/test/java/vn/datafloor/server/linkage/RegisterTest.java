package vn.datafloor.server.linkage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import vn.datafloor.server.PlatformTest;
import vn.datafloor.server.audit.AuditQueries;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Role;

/** The demo's agencies linked into one register, checked against the synthetic ground truth. */
class RegisterTest extends PlatformTest {

    /** Which synthetic source each demo dataset came from, to read the ground truth. */
    private static final Map<String, String> SOURCE_OF = Map.of(
            "ho-tich.cong-dan",
            "civil-registry/people",
            "thue.nguoi-nop-thue",
            "tax/taxpayers",
            "bhxh.nguoi-tham-gia",
            "social-insurance/insured",
            "y-te.benh-nhan",
            "health/patients");

    @Autowired
    RegisterService register;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AuditQueries audit;

    private final Actor operator = new Actor(1, "admin", 1L, Set.of(Role.OPERATOR_ADMIN), null, Set.of());

    @Test
    void theLinkedRegisterAgreesWithTheGroundTruth() throws Exception {
        Map<String, String> truth = new HashMap<>();
        for (String line :
                Files.readAllLines(DATA_DIR.resolve("synth/truth/record_links.csv"), StandardCharsets.UTF_8)) {
            String[] cells = line.split(",");
            truth.put(cells[0] + "|" + cells[1], cells[3]);
        }
        List<String[]> members = jdbc.sql("select entity_id, dataset, record_id from register_member")
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                .list();
        assertThat(members).hasSizeGreaterThan(2000);
        // Pairwise: pairs in one entity that truly are one person (precision), true pairs kept together (recall).
        Map<String, Map<String, Long>> byEntity = new HashMap<>();
        Map<String, Map<String, Long>> byPerson = new HashMap<>();
        for (String[] m : members) {
            String person = truth.get(SOURCE_OF.get(m[1]) + "|" + m[2]);
            assertThat(person).as("truth for " + m[1] + " " + m[2]).isNotNull();
            byEntity.computeIfAbsent(m[0], e -> new HashMap<>()).merge(person, 1L, Long::sum);
            byPerson.computeIfAbsent(person, p -> new HashMap<>()).merge(m[0], 1L, Long::sum);
        }
        long together = 0;
        long predicted = 0;
        long actual = 0;
        for (Map<String, Long> people : byEntity.values()) {
            long size = people.values().stream().mapToLong(Long::longValue).sum();
            predicted += size * (size - 1) / 2;
            for (long n : people.values()) {
                together += n * (n - 1) / 2;
            }
        }
        for (Map<String, Long> entities : byPerson.values()) {
            long size = entities.values().stream().mapToLong(Long::longValue).sum();
            actual += size * (size - 1) / 2;
        }
        double precision = (double) together / predicted;
        double recall = (double) together / actual;
        assertThat(precision).as("pairwise precision").isGreaterThan(0.97);
        assertThat(recall).as("pairwise recall").isGreaterThan(0.9);
    }

    @Test
    void rebuildingKeepsEveryIdentifierAndSearchFindsPeopleWithOrWithoutDiacritics() {
        Map<String, String> before = new HashMap<>();
        jdbc.sql("select record_key, entity_id from register_member")
                .query((rs, n) -> before.put(rs.getString(1), rs.getString(2)))
                .list();
        long publishedBefore = registerPublications();
        var run = register.rebuild(operator);
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        Map<String, String> after = new HashMap<>();
        jdbc.sql("select record_key, entity_id from register_member")
                .query((rs, n) -> after.put(rs.getString(1), rs.getString(2)))
                .list();
        assertThat(after).isEqualTo(before);
        assertThat(run.created()).isZero();
        // Each build is also a dataset version in the lake, one row per entity.
        assertThat(jdbc.sql("select count(*) from dataset_owner where dataset = 'register.nguoi'")
                        .query(Long.class)
                        .single())
                .isOne();
        // ... and on the ledger, like every publication.
        assertThat(registerPublications()).isEqualTo(publishedBefore + 1);

        RegisterService.Entity any = jdbc.sql(
                        "select id, full_name from register_entity where full_name is not null limit 1")
                .query((rs, n) -> register.entity(operator, rs.getString(1)))
                .single();
        String folded = RegisterService.fold(any.fullName());
        assertThat(register.search(operator, folded.toUpperCase(), null, null))
                .extracting(RegisterService.Entity::id)
                .contains(any.id());
        assertThat(register.search(operator, any.fullName(), null, null))
                .extracting(RegisterService.Entity::id)
                .contains(any.id());
        assertThat(any.provenance()).containsKey("full_name");
        assertThat(audit.search("REGISTER_VIEWED", null, null, null, null, 5, 0))
                .isNotEmpty();
    }

    @Test
    void aStewardsDecisionsBindLaterRebuilds() throws Exception {
        // Two records of one entity, declared different people: the next rebuild keeps them apart.
        List<String[]> pair = jdbc.sql("""
                select a.record_key, b.record_key from register_member a join register_member b
                on a.entity_id = b.entity_id and a.record_key < b.record_key limit 1""")
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                .list();
        assertThat(pair).hasSize(1);
        jdbc.sql("insert into register_review(left_key, right_key, probability, weight, contributions, status, run_id) "
                        + "values (?, ?, 0.95, 4.0, '[]', 'PENDING', 'test')")
                .params(pair.get(0)[0], pair.get(0)[1])
                .update();
        long reviewId = jdbc.sql("select id from register_review where left_key = ? and right_key = ?")
                .params(pair.get(0)[0], pair.get(0)[1])
                .query(Long.class)
                .single();
        register.decide(operator, reviewId, false);
        register.rebuild(operator);
        String left = jdbc.sql("select entity_id from register_member where record_key = ?")
                .param(pair.get(0)[0])
                .query(String.class)
                .single();
        String right = jdbc.sql("select entity_id from register_member where record_key = ?")
                .param(pair.get(0)[1])
                .query(String.class)
                .single();
        assertThat(left).isNotEqualTo(right);
        assertThat(audit.search("REVIEW_DECIDED", null, null, null, null, 5, 0)).isNotEmpty();
        assertThat(audit.search("ENTITY_SPLIT", null, null, null, null, 5, 0)).isNotEmpty();
        // Deciding twice is refused.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> register.decide(operator, reviewId, true))
                .isInstanceOf(vn.datafloor.server.platform.ProblemException.class);
        String page = mvc.perform(get("/register/review").session(login("admin")))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(page).contains("Xem xét cặp chưa chắc chắn", "cặp đang chờ quyết định");
    }

    @Test
    void theReviewPageShowsTheEvidenceFieldByFieldInWordsPagesTheQueueAndMakesNeitherDecisionTheDefault()
            throws Exception {
        long pending = register.pendingReviews();
        assertThat(pending).isPositive();
        var session = login("admin");
        String page = mvc.perform(get("/register/review").session(session))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        // The evidence is a table of fields in words with bars, never the stored JSON.
        assertThat(page)
                .contains("class=\"evidence\"", "Họ và tên", "Ngày sinh", "class=\"for\"")
                .doesNotContain("\"comparison\"", "\"weight\"", "??");
        assertThat(page).containsPattern("Trùng khớp hoàn toàn|Gần giống \\(độ giống từ \\d+%\\)");
        // No 15-digit decimals: the probability is a whole percentage.
        assertThat(page).containsPattern("class=\"probability\">\\d{1,3} %<").doesNotContainPattern("\\d\\.\\d{6,}");
        // Both decisions bind every later rebuild: neither is the primary button.
        assertThat(page).doesNotContain("class=\"small\" ");
        assertThat(page.split("class=\"small secondary\"", -1).length - 1).isEqualTo(2 * Math.min(pending, 25));
        if (pending > 25) {
            assertThat(page).contains("id=\"review-next\"").doesNotContain("id=\"review-previous\"");
            String second = mvc.perform(
                            get("/register/review").param("page", "1").session(session))
                    .andReturn()
                    .getResponse()
                    .getContentAsString(StandardCharsets.UTF_8);
            assertThat(second).contains("id=\"review-previous\"");
            long firstOnSecond = register.reviewQueue(operator, 1, 25).get(0).id();
            assertThat(second).contains("id=\"review-" + firstOnSecond + "\"");
            assertThat(page).doesNotContain("id=\"review-" + firstOnSecond + "\"");
        }
    }

    @Autowired
    vn.datafloor.server.integration.SourceService sources;

    @Autowired
    vn.datafloor.server.integration.PipelineService pipelines;

    @Autowired
    vn.datafloor.server.integration.RunService runs;

    @Test
    void newRecordsJoinTheRegisterAsTheyArriveWithoutChangingExistingIdentifiers() throws Exception {
        // A person already in the register (from the civil registry) and a brand-new one, in a new agency file.
        String[] known = jdbc.sql("""
                select e.id, e.full_name, e.birth_date, e.personal_id, e.sex from register_entity e
                where e.personal_id is not null and e.full_name is not null and e.retired_into is null order by e.id limit 1""")
                .query((rs, n) -> new String[] {
                    rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)
                })
                .single();
        Map<String, String> before = new HashMap<>();
        jdbc.sql("select record_key, entity_id from register_member")
                .query((rs, n) -> before.put(rs.getString(1), rs.getString(2)))
                .list();
        long org = jdbc.sql("select min(id) from organisation where kind = 'STATE_AGENCY'")
                .query(Long.class)
                .single();
        var source = sources.register(
                vn.datafloor.server.authz.Actor.SYSTEM, org, "song.nguoi", "csv", Map.of("encoding", "utf-8"), null);
        String csv = "ma,ho_ten,ngay_sinh,gioi_tinh,so_cccd\n"
                + "A1," + known[1] + "," + known[2] + "," + ("M".equals(known[4]) ? "Nam" : "Nữ") + "," + known[3]
                + "\n"
                + "A2,Hứa Thị Xuân Mai,1977-07-07,Nữ,\n";
        sources.upload(
                vn.datafloor.server.authz.Actor.SYSTEM,
                source.id(),
                "nguoi.csv",
                new java.io.ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        var pipeline = pipelines.save(vn.datafloor.server.authz.Actor.SYSTEM, org, """
                pipeline: song-nguoi
                source: {ref: song.nguoi}
                target: {dataset: song.nguoi, schema: person}
                mapping: {person_id: ma, full_name: ho_ten, birth_date_raw: ngay_sinh, sex_raw: gioi_tinh, personal_id_raw: so_cccd}
                standardize:
                  full_name: std_person_name(full_name)
                  name_key: std_name_key(full_name)
                  birth_date: std_date(birth_date_raw).value
                  sex: std_sex(sex_raw)
                  personal_id: std_cccd(personal_id_raw).value
                key: [person_id]
                """);
        var run = runs.runAndWait(vn.datafloor.server.authz.Actor.SYSTEM, pipeline.id(), "DEMO");
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        // The run's publication updated the register on its own.
        String a1 = jdbc.sql("select entity_id from register_member where record_key = 'song.nguoi|A1'")
                .query(String.class)
                .single();
        String a2 = jdbc.sql("select entity_id from register_member where record_key = 'song.nguoi|A2'")
                .query(String.class)
                .single();
        assertThat(a1).isEqualTo(known[0]);
        assertThat(a2).isNotEqualTo(known[0]).startsWith("VN-P-");
        Map<String, String> after = new HashMap<>();
        jdbc.sql("select record_key, entity_id from register_member")
                .query((rs, n) -> after.put(rs.getString(1), rs.getString(2)))
                .list();
        before.forEach(
                (record, entity) -> assertThat(after.get(record)).as(record).isEqualTo(entity));
    }

    @Test
    void theRegisterPagesRender() throws Exception {
        var session = login("kiemtoan");
        String id = jdbc.sql("select min(id) from register_entity")
                .query(String.class)
                .single();
        String page = mvc.perform(get("/register/entities/" + id).session(session))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(page).contains(id, "v1");
        String search = mvc.perform(get("/register").param("name", "nguyen").session(session))
                .andReturn()
                .getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(search).contains("register-results", "register-parameters", "dob");
        assertThat(mvc.perform(get("/register").session(login("yte.admin")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
    }

    @Test
    void aRunWritesOnlyTheMembersAndEntitiesThatChangedAndPublishesEveryEntity() throws Exception {
        // Whatever the other tests left, one rebuild settles it.
        assertThat(register.rebuild(operator).status()).isEqualTo("SUCCEEDED");

        // Stored times are rounded to microseconds (up, too): "after" is a millisecond after the clock before it
        // moved on by a minute.
        java.time.Instant settled = clock.instant();
        clock.advance(java.time.Duration.ofMinutes(1));
        var unchanged = register.rebuild(operator);
        assertThat(unchanged.status()).isEqualTo("SUCCEEDED");
        assertThat(writtenBy(unchanged.id()))
                .as("members written by a run that changed nothing")
                .isZero();
        assertThat(entitiesUpdatedAfter(settled))
                .as("entities rewritten by a run that changed nothing")
                .isZero();
        assertThat(publishedEntities()).isEqualTo(liveEntities());

        // Members written before fingerprints (or whose values changed) are written again, with their entity.
        String entity = jdbc.sql("select min(entity_id) from register_member")
                .query(String.class)
                .single();
        long itsMembers = jdbc.sql("update register_member set fingerprint = null where entity_id = ?")
                .param(entity)
                .update();
        assertThat(itsMembers).isPositive();
        java.time.Instant beforeTouched = clock.instant();
        clock.advance(java.time.Duration.ofMinutes(1));
        var touched = register.rebuild(operator);
        assertThat(writtenBy(touched.id())).isEqualTo(itsMembers);
        assertThat(jdbc.sql("select count(*) from register_member where fingerprint is null")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("select id from register_entity where updated_at > ?")
                        .param(java.sql.Timestamp.from(beforeTouched.plusMillis(1)))
                        .query(String.class)
                        .list())
                .as("entities rewritten: the one whose members changed")
                .containsExactly(entity);
        assertThat(publishedEntities()).isEqualTo(liveEntities());
    }

    private long writtenBy(String runId) {
        return jdbc.sql("select count(*) from register_member where run_id = ?")
                .param(runId)
                .query(Long.class)
                .single();
    }

    private long entitiesUpdatedAfter(java.time.Instant at) {
        return jdbc.sql("select count(*) from register_entity where updated_at > ?")
                .param(java.sql.Timestamp.from(at.plusMillis(1)))
                .query(Long.class)
                .single();
    }

    private Set<String> liveEntities() {
        return Set.copyOf(jdbc.sql("select id from register_entity where retired_into is null")
                .query(String.class)
                .list());
    }

    /** The entities of the register's latest version in the lake, read from its files: each once. */
    private Set<String> publishedEntities() throws Exception {
        var lake = integrationPaths.lake();
        java.nio.file.Path scratch = Files.createTempDirectory("register-read-");
        try (var clear = lake.clear(lake.latest(RegisterService.DATASET).orElseThrow(), scratch);
                var duck = vn.datafloor.integration.lake.DuckDbConnections.open(null, "256MB", 1);
                var statement = duck.createStatement();
                var rs = statement.executeQuery("SELECT entity_id FROM " + clear.readExpression())) {
            java.util.List<String> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            assertThat(ids).doesNotHaveDuplicates();
            return Set.copyOf(ids);
        } finally {
            org.springframework.util.FileSystemUtils.deleteRecursively(scratch);
        }
    }

    @Autowired
    vn.datafloor.server.integration.IntegrationPaths integrationPaths;

    private long registerPublications() {
        return jdbc.sql(
                        "select count(*) from audit_event where event_type = 'DATASET_PUBLISHED' and summary like 'register.nguoi v%'")
                .query(Long.class)
                .single();
    }
}
