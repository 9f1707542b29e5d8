package vn.datafloor.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.privacy.BreachService.Breach;
import vn.datafloor.server.privacy.BreachService.Declaration;

class BreachTest extends PrivacyFixtures {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    AccessPolicy policy;

    @Autowired
    ApplicationContext context;

    /** A stand-in for the access index: who was read in which dataset, and the questions it was asked. */
    static final class RecordedAccesses implements AffectedSubjects {
        final List<String> asked = new ArrayList<>();

        @Override
        public Set<String> subjectsAccessed(Collection<String> datasets, Instant from, Instant to) {
            asked.add(String.join(",", datasets) + " " + from + " " + to);
            return datasets.contains("yte.kham-benh") ? Set.of("001085012345", "079190000123") : Set.of();
        }
    }

    private BreachService withIndex(AffectedSubjects index) {
        StaticListableBeanFactory beans =
                new StaticListableBeanFactory(index == null ? Map.of() : Map.of("accessIndex", index));
        return new BreachService(
                jdbc, transactions, policy, auditLog, clock, beans.getBeanProvider(AffectedSubjects.class));
    }

    private Declaration declaration(List<String> datasets) {
        Instant now = clock.instant();
        return new Declaration(
                datasets,
                now.minus(Duration.ofDays(2)),
                now.minus(Duration.ofHours(1)),
                "Một khóa API của đối tác bị lộ và bị dùng để tải dữ liệu khám bệnh",
                "Lộ họ tên và ngày sinh",
                "Thu hồi khóa, buộc đổi mật khẩu",
                "Phòng An ninh dữ liệu, 024 0000 0000");
    }

    @Test
    void theAffectedSubjectsComeFromTheAccessIndexAndTheDraftNamesThem() {
        RecordedAccesses index = new RecordedAccesses();
        BreachService breaches = withIndex(index);
        Breach declared = breaches.declare(actor("admin"), declaration(List.of("yte.kham-benh")));
        assertThat(declared.notifyDue()).isEqualTo(declared.declaredAt().plus(Duration.ofHours(72)));
        assertThat(declared.overdue()).isFalse();
        assertThat(declared.hoursLeft()).isBetween(71L, 72L);
        BreachService.Detail detail = breaches.detail(actor("admin"), declared.id());
        assertThat(detail.affected().available()).isTrue();
        assertThat(detail.affected().count()).isEqualTo(2);
        assertThat(detail.affected().subjects()).containsExactly("001*******45", "079*******23");
        assertThat(index.asked).hasSize(1);
        assertThat(index.asked.get(0)).startsWith("yte.kham-benh " + declared.occurredFrom());
        assertThat(detail.draft().vi())
                .contains("2 chủ thể dữ liệu")
                .contains("yte.kham-benh")
                .contains("Thu hồi khóa");
        assertThat(detail.draft().en()).contains("2 data subjects").contains("Phòng An ninh dữ liệu");
        assertThat(newestEntry("BREACH_DECLARED")).contains("\"breach\":\"" + declared.id() + "\"");
    }

    @Test
    void withoutAnAccessIndexNothingIsMadeUp() {
        BreachService breaches = withIndex(null);
        Breach declared = breaches.declare(actor("admin"), declaration(List.of("yte.kham-benh")));
        BreachService.Detail detail = breaches.detail(actor("admin"), declared.id());
        assertThat(detail.affected().available()).isFalse();
        assertThat(detail.affected().subjects()).isEmpty();
        assertThat(detail.draft().en()).contains("not yet known");
        assertThat(breaches.indexAvailable()).isFalse();
    }

    @Test
    void theSeventyTwoHoursAreFlaggedWhenTheyPass() {
        BreachService breaches = withIndex(new RecordedAccesses());
        Breach declared = breaches.declare(actor("admin"), declaration(List.of("saomai.khach-hang")));
        clock.advance(Duration.ofHours(71));
        Breach soon = breaches.visible(actor("admin"), declared.id());
        assertThat(soon.overdue()).isFalse();
        assertThat(soon.remaining().toMinutes()).isBetween(59L, 60L);
        clock.advance(Duration.ofHours(1));
        Breach late = breaches.visible(actor("kiemtoan"), declared.id());
        assertThat(late.overdue()).isTrue();
        List<Breach> all = breaches.list(actor("admin"));
        assertThat(all).extracting(Breach::id).contains(declared.id());
        assertThat(all.get(0).overdue()).isTrue(); // overdue first
        Breach notified = breaches.markNotified(actor("admin"), declared.id(), "Công văn số 12/ANDL");
        assertThat(notified.notified()).isTrue();
        assertThat(notified.notifiedLate()).isTrue();
        assertThat(notified.overdue()).isFalse();
        assertThat(newestEntry("BREACH_NOTIFIED")).contains("\"late\":\"true\"");
        assertThatThrownBy(() -> breaches.markNotified(actor("admin"), declared.id(), "again"))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void onlyTheOperatorDeclaresAndBadDeclarationsAreRefused() {
        BreachService breaches = withIndex(new RecordedAccesses());
        assertThatThrownBy(() -> breaches.declare(actor("yte.admin"), declaration(List.of("yte.kham-benh"))))
                .isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> breaches.declare(actor("kiemtoan"), declaration(List.of("yte.kham-benh"))))
                .isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> breaches.declare(actor("admin"), declaration(List.of())))
                .isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> breaches.declare(actor("admin"), declaration(List.of("../etc/passwd"))))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void theBreachPagesShowTheCountdownAndTheAffectedPersonsFromTheAccessIndex() throws Exception {
        // The access index is the application's AffectedSubjects (without one: withoutAnAccessIndexNothingIsMadeUp).
        assertThat(context.getBeanProvider(AffectedSubjects.class).getIfAvailable())
                .isInstanceOf(AccessIndex.class);
        BreachService breaches = context.getBean(BreachService.class);
        Breach declared = breaches.declare(actor("admin"), declaration(List.of("yte.kham-benh")));
        var session = login("admin");
        String list = mvc.perform(get("/privacy/breaches").session(session))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(list).contains("id=\"breach-" + declared.id() + "\"").doesNotContain("id=\"index-unavailable\"");
        String page = mvc.perform(get("/privacy/breaches/" + declared.id()).session(session))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page)
                .contains("id=\"affected\"")
                .doesNotContain("id=\"index-unavailable\"")
                .contains("id=\"draft-vi\"")
                .contains("id=\"mark-notified\"");
        assertThat(mvc.perform(get("/privacy/breaches").session(login("yte.admin")))
                        .andReturn()
                        .getResponse()
                        .getStatus())
                .isEqualTo(403);
    }
}
