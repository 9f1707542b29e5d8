package vn.datafloor.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.privacy.SubjectRequestService.Filing;
import vn.datafloor.server.privacy.SubjectRequestService.Kind;
import vn.datafloor.server.privacy.SubjectRequestService.State;
import vn.datafloor.server.privacy.SubjectRequestService.SubjectRequest;

class SubjectRequestTest extends PrivacyFixtures {

    @Autowired
    SubjectRequestService requests;

    @Autowired
    WorkingDays workingDays;

    @Test
    void aRequestGoesToEachOrganisationNamedWithDeadlinesInWorkingDays() {
        Actor citizen = citizen("001190000101", "Bùi Văn Nam");
        long health = orgOf("yte.admin");
        long saoMai = orgOf("saomai.admin");
        List<SubjectRequest> filed =
                requests.file(citizen, new Filing(Kind.ACCESS, List.of(health, saoMai), "Cho tôi xem dữ liệu", null));
        assertThat(filed).extracting(SubjectRequest::orgId).containsExactlyInAnyOrder(health, saoMai);
        SubjectRequest one = filed.get(0);
        assertThat(one.state()).isEqualTo(State.SUBMITTED);
        assertThat(one.filingId()).isEqualTo(filed.get(1).filingId());
        assertThat(one.acknowledgeDue()).isEqualTo(workingDays.workingDaysAfter(one.submittedAt(), 2));
        assertThat(one.completeDue()).isEqualTo(workingDays.daysAfter(one.submittedAt(), 15));
        assertThat(one.acknowledgeDue()).isAfter(one.submittedAt().plus(Duration.ofDays(1)));
        assertThat(one.subject()).isEqualTo("001190000101");
    }

    @Test
    void aCitizenSeesOnlyTheirOwnAndAnOrganisationOnlyItsInbox() {
        Actor mine = citizen("001190000202", "Cao Thị Oanh");
        Actor other = citizen("001190000303", "Đinh Văn Phúc");
        long health = orgOf("yte.admin");
        long saoMai = orgOf("saomai.admin");
        SubjectRequest toHealth = requests.file(mine, new Filing(Kind.DELETION, List.of(health), null, null))
                .get(0);
        SubjectRequest toSaoMai = requests.file(other, new Filing(Kind.OBJECTION, List.of(saoMai), null, null))
                .get(0);
        assertThat(requests.list(mine)).extracting(SubjectRequest::id).containsExactly(toHealth.id());
        assertThatThrownBy(() -> requests.visible(other, toHealth.id()))
                .isInstanceOf(ProblemException.class)
                .satisfies(
                        e -> assertThat(((ProblemException) e).status().value()).isEqualTo(404));
        List<SubjectRequest> healthInbox = requests.list(actor("yte.dulieu"));
        assertThat(healthInbox)
                .extracting(SubjectRequest::id)
                .contains(toHealth.id())
                .doesNotContain(toSaoMai.id());
        assertThat(healthInbox).allMatch(r -> r.orgId() == health);
        assertThat(healthInbox.stream()
                        .filter(r -> r.id() == toHealth.id())
                        .findFirst()
                        .orElseThrow()
                        .subject())
                .isEqualTo("001*******02");
        // the health department cannot see or answer Sao Mai's request
        assertThatThrownBy(() -> requests.acknowledge(actor("yte.dulieu"), toSaoMai.id(), null))
                .isInstanceOf(ProblemException.class);
        assertThat(requests.visible(other, toSaoMai.id()).state()).isEqualTo(State.SUBMITTED);
        // the operator and auditors see every request
        assertThat(requests.list(actor("kiemtoan")))
                .extracting(SubjectRequest::id)
                .contains(toHealth.id(), toSaoMai.id());
        // citizens do not answer requests, staff do not file them
        assertThatThrownBy(() -> requests.acknowledge(mine, toHealth.id(), null))
                .isInstanceOf(NotPermittedException.class);
        assertThatThrownBy(() -> requests.file(actor("yte.admin"), new Filing(Kind.ACCESS, List.of(), null, null)))
                .isInstanceOf(NotPermittedException.class);
    }

    @Test
    void theOrganisationAcknowledgesAndCompletesEachStepOnTheLedger() {
        Actor citizen = citizen("001190000404", "Trịnh Thị Quyên");
        long health = orgOf("yte.admin");
        SubjectRequest filed = requests.file(
                        citizen, new Filing(Kind.CORRECTION, List.of(health), "Ngày sinh đúng là 01/02/1990", null))
                .get(0);
        Actor steward = actor("yte.dulieu");
        SubjectRequest acknowledged = requests.acknowledge(steward, filed.id(), "Đã nhận");
        assertThat(acknowledged.state()).isEqualTo(State.ACKNOWLEDGED);
        assertThat(acknowledged.acknowledgedAt()).isNotNull();
        assertThat(newestEntry("SUBJECT_REQUEST_CHANGED")).contains("\"request\":\"" + filed.id() + "\"");
        assertThatThrownBy(() -> requests.complete(steward, filed.id(), " "))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).messageKey()).isEqualTo("subjectRequest.doneNote"));
        SubjectRequest done = requests.complete(steward, filed.id(), "Đã sửa ngày sinh");
        assertThat(done.state()).isEqualTo(State.DONE);
        assertThat(done.open()).isFalse();
        assertThatThrownBy(() -> requests.refuse(steward, filed.id(), "muộn"))
                .isInstanceOf(ProblemException.class)
                .satisfies(
                        e -> assertThat(((ProblemException) e).status().value()).isEqualTo(409));
        assertThat(requests.detail(citizen, filed.id()).steps())
                .extracting(SubjectRequestService.Step::state)
                .containsExactly(State.SUBMITTED, State.ACKNOWLEDGED, State.DONE);
        assertThat(newestEntry("SUBJECT_REQUEST_FILED")).doesNotContain("001190000404");
    }

    @Test
    void overdueRequestsAreEscalatedByThePlatformOnTheClock() {
        Actor citizen = citizen("001190000505", "Lương Văn Sơn");
        long saoMai = orgOf("saomai.admin");
        SubjectRequest filed = requests.file(citizen, new Filing(Kind.EXPORT, List.of(saoMai), null, null))
                .get(0);
        requests.escalateOverdue(Actor.SYSTEM);
        assertThat(requests.visible(citizen, filed.id()).state()).isEqualTo(State.SUBMITTED);

        // the acknowledgement deadline passes unanswered
        clock.advance(Duration.between(clock.instant(), filed.acknowledgeDue()).plusMinutes(1));
        SubjectRequest late = requests.visible(citizen, filed.id());
        assertThat(late.acknowledgeOverdue()).isTrue();
        assertThat(requests.list(actor("saomai.admin")).get(0).overdue()).isTrue(); // overdue first
        requests.escalateOverdue(Actor.SYSTEM);
        SubjectRequest escalated = requests.visible(citizen, filed.id());
        assertThat(escalated.state()).isEqualTo(State.ESCALATED);
        assertThat(escalated.escalatedAt()).isNotNull();
        assertThat(newestEntry("SUBJECT_REQUEST_ESCALATED"))
                .contains("\"request\":\"" + filed.id() + "\"")
                .contains("\"missed\":\"acknowledgement\"");
        // once per deadline
        requests.escalateOverdue(Actor.SYSTEM);
        assertThat(requests.detail(citizen, filed.id()).steps())
                .filteredOn(s -> s.state() == State.ESCALATED)
                .hasSize(1);

        // answered late, then the completion deadline passes too
        requests.acknowledge(actor("saomai.admin"), filed.id(), "Xin lỗi vì chậm");
        clock.advance(Duration.between(clock.instant(), filed.completeDue()).plusMinutes(1));
        requests.escalateOverdue(Actor.SYSTEM);
        SubjectRequest again = requests.visible(citizen, filed.id());
        assertThat(again.state()).isEqualTo(State.ESCALATED);
        assertThat(again.completeOverdue()).isTrue();
        assertThat(requests.detail(citizen, filed.id()).steps())
                .filteredOn(s -> s.state() == State.ESCALATED)
                .hasSize(2);
        // only the platform runs the clockwork
        assertThatThrownBy(() -> requests.escalateOverdue(actor("admin"))).isInstanceOf(NotPermittedException.class);
    }

    @Test
    void withoutANamedOrganisationTheHoldersOfPersonalDataAreAsked() {
        List<Long> holders = requests.holders().stream().map(o -> o.id()).toList();
        Actor citizen = citizen("001190000606", "Tạ Thị Uyên");
        if (holders.isEmpty()) {
            assertThatThrownBy(() -> requests.file(citizen, new Filing(Kind.ACCESS, List.of(), null, null)))
                    .isInstanceOf(ProblemException.class)
                    .satisfies(
                            e -> assertThat(((ProblemException) e).messageKey()).isEqualTo("subjectRequest.noHolder"));
            return;
        }
        assertThat(requests.file(citizen, new Filing(Kind.ACCESS, List.of(), null, null)))
                .extracting(SubjectRequest::orgId)
                .containsExactlyInAnyOrderElementsOf(holders);
    }

    @Test
    void theApiAndThePagesFileListAndAnswer() throws Exception {
        citizen("001190000707", "Kiều Văn Vinh");
        long health = orgOf("yte.admin");
        MockHttpSession citizenSession = login("001190000707", "Cong-dan-thu-2026");
        MockHttpServletResponse created = mvc.perform(post("/api/privacy/requests")
                        .session(citizenSession)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .content("{\"kind\": \"RESTRICTION\", \"organisations\": [" + health + "]}"))
                .andReturn()
                .getResponse();
        assertThat(created.getStatus()).isEqualTo(201);
        long id = requests.list(actor("001190000707")).get(0).id();
        MockHttpServletResponse missingKind = mvc.perform(post("/api/privacy/requests")
                        .session(citizenSession)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .content("{\"organisations\": [" + health + "]}"))
                .andReturn()
                .getResponse();
        assertThat(missingKind.getStatus()).isEqualTo(400);
        assertThat(missingKind.getContentType()).startsWith("application/problem+json");
        String mine = mvc.perform(get("/me/requests").session(citizenSession))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(mine).contains("id=\"request-" + id + "\"");

        MockHttpSession steward = login("yte.dulieu");
        String inbox = mvc.perform(get("/privacy/requests").session(steward))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(inbox).contains("id=\"request-" + id + "\"").contains("id=\"answer-" + id + "\"");
        mvc.perform(post("/privacy/requests/" + id + "/answer")
                        .session(steward)
                        .with(csrf())
                        .param("step", "REFUSED")
                        .param("note", "Dữ liệu này thuộc diện phải lưu theo luật"))
                .andReturn();
        assertThat(requests.visible(actor("001190000707"), id).state()).isEqualTo(State.REFUSED);
        // another organisation's staff get 404 on the API
        MockHttpServletResponse hidden = mvc.perform(get("/api/privacy/requests/" + id)
                        .session(login("saomai.admin"))
                        .accept(MediaType.APPLICATION_JSON))
                .andReturn()
                .getResponse();
        assertThat(hidden.getStatus()).isEqualTo(404);
    }
}
