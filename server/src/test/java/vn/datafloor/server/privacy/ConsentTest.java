package vn.datafloor.server.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.NotPermittedException;
import vn.datafloor.server.platform.ProblemException;
import vn.datafloor.server.privacy.ConsentService.Channel;
import vn.datafloor.server.privacy.ConsentService.Consent;
import vn.datafloor.server.privacy.ConsentService.Decision;
import vn.datafloor.server.privacy.ConsentService.Grant;
import vn.datafloor.server.privacy.ConsentService.Status;

class ConsentTest extends PrivacyFixtures {

    @Autowired
    ConsentService consents;

    private Grant grant(long controller, long recipient, String purpose, Boolean affirmative) {
        return new Grant(
                controller,
                recipient,
                purpose,
                NAME_AND_BIRTH,
                null,
                consents.notice(controller, recipient, purpose, NAME_AND_BIRTH, null, "vi"),
                "vi",
                Channel.API,
                affirmative,
                Decision.GIVE);
    }

    /** An affirmative grant valid to the end of {@code lastDay}. */
    private Grant grantUntil(long controller, long recipient, String purpose, LocalDate lastDay) {
        return new Grant(
                controller,
                recipient,
                purpose,
                NAME_AND_BIRTH,
                lastDay,
                grant(controller, recipient, purpose, true).noticeText(),
                "vi",
                Channel.API,
                true,
                Decision.GIVE);
    }

    @Test
    void silenceAndAnUntickedBoxAreNotConsent() {
        Actor citizen = citizen("079190000111", "Trần Thị Bình");
        long health = orgOf("yte.admin");
        long saoMai = orgOf("saomai.admin");
        for (Boolean silence : new Boolean[] {null, false}) {
            assertThatThrownBy(() -> consents.give(citizen, grant(health, saoMai, "df:research", silence)))
                    .isInstanceOf(ProblemException.class)
                    .satisfies(
                            e -> assertThat(((ProblemException) e).messageKey()).isEqualTo("consent.silence"));
        }
        assertThat(consents.list(citizen)).isEmpty();
        assertThat(consents.hasValidConsent("079190000111", saoMai, "df:research", clock.instant()))
                .isFalse();
    }

    @Test
    void aWithdrawalTakesEffectOnTheVeryNextCall() {
        Actor citizen = citizen("079190000222", "Lê Văn Cường");
        long health = orgOf("yte.admin");
        long saoMai = orgOf("saomai.admin");
        Consent given = consents.give(citizen, grant(health, saoMai, "df:statistics", true));
        assertThat(given.status()).isEqualTo(Status.GIVEN);
        assertThat(given.subject()).isEqualTo("079190000222");
        assertThat(given.noticeSha256()).hasSize(64);
        assertThat(consents.hasValidConsent("079190000222", saoMai, "df:statistics", clock.instant()))
                .isTrue();
        // specific: another purpose or another recipient is not covered
        assertThat(consents.hasValidConsent("079190000222", saoMai, "df:marketing", clock.instant()))
                .isFalse();
        assertThat(consents.hasValidConsent("079190000222", health, "df:statistics", clock.instant()))
                .isFalse();
        assertThat(consents.consentedSubjects(
                        saoMai, "df:statistics", clock.instant(), List.of("079190000222", "079190000999", "garbage")))
                .containsExactly("079190000222");
        Instant before = clock.instant();
        clock.advance(Duration.ofSeconds(1));

        Consent withdrawn = consents.withdraw(citizen, given.id(), "Tôi đổi ý");

        assertThat(withdrawn.status()).isEqualTo(Status.WITHDRAWN);
        assertThat(consents.hasValidConsent("079190000222", saoMai, "df:statistics", clock.instant()))
                .isFalse();
        assertThat(consents.consentedSubjects(saoMai, "df:statistics", clock.instant(), List.of("079190000222")))
                .isEmpty();
        // what was lawful before the withdrawal stays so
        assertThat(consents.hasValidConsent("079190000222", saoMai, "df:statistics", before))
                .isTrue();
        assertThat(consents.history(citizen, given.id()))
                .extracting(ConsentService.StatusChange::status)
                .containsExactly(Status.GIVEN, Status.WITHDRAWN);
        assertThatThrownBy(() -> consents.withdraw(citizen, given.id(), null))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).messageKey()).isEqualTo("consent.notInForce"));
    }

    @Test
    void aRefusalIsRecordedAndNeverValid() {
        Actor citizen = citizen("079190000333", "Phạm Thu Dung");
        long health = orgOf("yte.admin");
        Grant asked = grant(health, health, "df:marketing", true);
        Consent refused = consents.give(
                citizen,
                new Grant(
                        asked.controllerOrg(),
                        asked.recipientOrg(),
                        asked.purpose(),
                        asked.dataCategories(),
                        null,
                        asked.noticeText(),
                        "vi",
                        Channel.WEB,
                        true,
                        Decision.REFUSE));
        assertThat(refused.status()).isEqualTo(Status.REFUSED);
        assertThat(consents.hasValidConsent("079190000333", health, "df:marketing", clock.instant()))
                .isFalse();
    }

    @Test
    void aConsentExpiresAtTheEndOfItsLastDay() {
        Actor citizen = citizen("079190000444", "Hoàng Minh Em");
        long health = orgOf("yte.admin");
        LocalDate lastDay =
                clock.instant().atZone(WorkingDays.VIETNAM).toLocalDate().plusDays(3);
        Consent given = consents.give(citizen, grantUntil(health, health, "df:research", lastDay));
        Instant end = WorkingDays.endOf(lastDay);
        assertThat(given.validUntil()).isEqualTo(end);
        assertThat(consents.hasValidConsent("079190000444", health, "df:research", end.minusSeconds(1)))
                .isTrue();
        assertThat(consents.hasValidConsent("079190000444", health, "df:research", end))
                .isFalse();
        clock.advance(Duration.between(clock.instant(), end).plusMinutes(1));
        consents.expireDue(Actor.SYSTEM);
        assertThat(consents.visible(citizen, given.id()).status()).isEqualTo(Status.EXPIRED);
        assertThat(consents.history(citizen, given.id()))
                .extracting(ConsentService.StatusChange::status)
                .containsExactly(Status.GIVEN, Status.EXPIRED);
        assertThatThrownBy(() -> consents.expireDue(citizen)).isInstanceOf(NotPermittedException.class);
    }

    @Test
    void theRecipientsSetKeptBetweenRequestsFollowsEveryWriteAndEveryValidityEnd() {
        // The delivery pipeline asks for the whole set on every request; it is kept between calls.
        Actor lasting = citizen("079190000666", "Đỗ Văn Hùng");
        Actor shortLived = citizen("079190000777", "Ngô Thị Lan");
        long health = orgOf("yte.admin");
        long saoMai = orgOf("saomai.admin");
        Instant start = clock.instant();
        assertThat(consents.consentedSubjects(saoMai, "df:creditScoring", start))
                .doesNotContain("079190000666", "079190000777");

        Consent kept = consents.give(lasting, grant(health, saoMai, "df:creditScoring", true));
        LocalDate lastDay = start.atZone(WorkingDays.VIETNAM).toLocalDate().plusDays(2);
        consents.give(shortLived, grantUntil(health, saoMai, "df:creditScoring", lastDay));
        // A write ends the set kept before it: both are in at once.
        assertThat(consents.consentedSubjects(saoMai, "df:creditScoring", clock.instant()))
                .contains("079190000666", "079190000777");
        assertThat(consents.consentedSubjects(saoMai, "df:creditScoring", clock.instant()))
                .contains("079190000666", "079190000777");
        // Asked about an earlier instant, the set kept for now does not answer.
        assertThat(consents.consentedSubjects(saoMai, "df:creditScoring", start.minusSeconds(1)))
                .doesNotContain("079190000666", "079190000777");

        // No write at all: the short-lived consent's validity ends, and so does the kept set.
        Instant end = WorkingDays.endOf(lastDay);
        assertThat(consents.consentedSubjects(saoMai, "df:creditScoring", end.minusSeconds(1)))
                .contains("079190000666", "079190000777");
        clock.advance(Duration.between(clock.instant(), end));
        assertThat(consents.consentedSubjects(saoMai, "df:creditScoring", clock.instant()))
                .contains("079190000666")
                .doesNotContain("079190000777");

        clock.advance(Duration.ofSeconds(1));
        consents.withdraw(lasting, kept.id(), null);
        assertThat(consents.consentedSubjects(saoMai, "df:creditScoring", clock.instant()))
                .doesNotContain("079190000666", "079190000777");
    }

    @Test
    void theLedgerHoldsACommitmentNeverTheIdentityNumber() {
        Actor citizen = citizen("079190000555", "Vũ Thị Giang");
        long health = orgOf("yte.admin");
        long saoMai = orgOf("saomai.admin");
        Consent given = consents.give(citizen, grant(health, saoMai, "df:research", true));
        String entry = newestEntry("CONSENT_GIVEN");
        assertThat(entry)
                .contains(given.recordId())
                .contains("\"subject\":\"sha256:")
                .doesNotContain("079190000555");
        consents.withdraw(citizen, given.id(), null);
        String withdrawal = newestEntry("CONSENT_WITHDRAWN");
        assertThat(withdrawal).contains(given.recordId()).doesNotContain("079190000555");
    }

    @Test
    void eachSeesOnlyTheirOwn() {
        Actor binh = citizen("079190000666", "Đỗ Văn Hải");
        Actor other = citizen("079190000777", "Ngô Thị Hoa");
        long health = orgOf("yte.admin");
        long saoMai = orgOf("saomai.admin");
        Consent mine = consents.give(binh, grant(saoMai, saoMai, "df:research", true));
        assertThat(consents.list(binh)).extracting(Consent::id).containsExactly(mine.id());
        assertThat(consents.list(other)).isEmpty();
        assertThatThrownBy(() -> consents.visible(other, mine.id()))
                .isInstanceOf(ProblemException.class)
                .satisfies(
                        e -> assertThat(((ProblemException) e).status().value()).isEqualTo(404));
        assertThatThrownBy(() -> consents.withdraw(other, mine.id(), null))
                .isInstanceOf(ProblemException.class)
                .satisfies(
                        e -> assertThat(((ProblemException) e).status().value()).isEqualTo(404));
        // Sao Mai is controller and recipient: it sees it, masked; the health department does not
        Consent seen = consents.visible(actor("saomai.admin"), mine.id());
        assertThat(seen.subject()).isEqualTo("079*******66");
        assertThat(consents.list(actor("yte.admin"))).extracting(Consent::id).doesNotContain(mine.id());
        assertThatThrownBy(() -> consents.visible(actor("yte.admin"), mine.id()))
                .isInstanceOf(ProblemException.class);
        // staff cannot give consent for a citizen
        assertThatThrownBy(() -> consents.give(actor("yte.admin"), grant(health, health, "df:research", true)))
                .isInstanceOf(NotPermittedException.class);
    }

    @Test
    void theApiRefusesSilenceAndExportsAnIso27560Record() throws Exception {
        citizen("079190000888", "Lý Văn Khoa");
        MockHttpSession session = login("079190000888", "Cong-dan-thu-2026");
        long health = orgOf("yte.admin");
        String notice = consents.notice(health, health, "df:research", NAME_AND_BIRTH, null, "vi");
        String body = """
                {"controllerOrg": %d, "recipientOrg": %d, "purpose": "df:research",
                 "dataCategories": ["name", "date_of_birth"], "noticeText": %s, "noticeLanguage": "vi"%s}""";
        String quoted = "\"" + notice.replace("\"", "\\\"") + "\"";
        MockHttpServletResponse silent = mvc.perform(post("/api/privacy/consents")
                        .session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .content(body.formatted(health, health, quoted, "")))
                .andReturn()
                .getResponse();
        assertThat(silent.getStatus()).isEqualTo(400);
        assertThat(silent.getContentType()).startsWith("application/problem+json");
        MockHttpServletResponse created = mvc.perform(post("/api/privacy/consents")
                        .session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .content(body.formatted(health, health, quoted, ", \"affirmativeAct\": true")))
                .andReturn()
                .getResponse();
        assertThat(created.getStatus()).isEqualTo(201);
        long id = consents.list(actor("079190000888")).get(0).id();
        MockHttpServletResponse receipt = mvc.perform(
                        get("/api/privacy/consents/" + id).session(session).accept(MediaType.APPLICATION_JSON))
                .andReturn()
                .getResponse();
        assertThat(receipt.getStatus()).isEqualTo(200);
        assertThat(receipt.getContentAsString())
                .contains("\"schemaVersion\":\"ISO/IEC TS 27560:2023\"")
                .contains("\"piiPrincipalId\":\"079190000888\"")
                .contains("\"legalBasis\":\"df:consent\"")
                .contains("\"affirmativeAct\":true")
                .contains("\"noticeSha256\":\"" + ConsentService.sha256(notice) + "\"");
        MockHttpServletResponse withdrawn = mvc.perform(post("/api/privacy/consents/" + id + "/withdraw")
                        .session(session)
                        .with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .accept(MediaType.APPLICATION_JSON)
                        .content("{\"reason\": \"Không muốn nữa\"}"))
                .andReturn()
                .getResponse();
        assertThat(withdrawn.getStatus()).isEqualTo(200);
        assertThat(withdrawn.getContentAsString())
                .contains("\"status\":\"WITHDRAWN\"")
                .contains("CONSENT_WITHDRAWAL");
        assertThat(consents.hasValidConsent("079190000888", health, "df:research", clock.instant()))
                .isFalse();
    }

    @Test
    void theGrantFormsBoxIsNeverPreTickedAndAnUntickedPostRecordsNothing() throws Exception {
        citizen("079190000999", "Mai Thị Lan");
        MockHttpSession session = login("079190000999", "Cong-dan-thu-2026");
        long health = orgOf("yte.admin");
        String page = mvc.perform(get("/me/consents")
                        .session(session)
                        .param("controllerOrg", Long.toString(health))
                        .param("recipientOrg", Long.toString(health))
                        .param("purpose", "df:statistics")
                        .param("categories", "name"))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(page).contains("id=\"consent-notice\"").contains("id=\"affirmative-act\"");
        String box = page.substring(page.indexOf("<input type=\"checkbox\" name=\"affirmativeAct\""));
        assertThat(box.substring(0, box.indexOf('>'))).doesNotContain("checked");
        String hash =
                ConsentService.sha256(consents.notice(health, health, "df:statistics", List.of("name"), null, "vi"));
        assertThat(page).contains(hash);
        // the box left unticked: silence
        mvc.perform(post("/me/consents")
                        .session(session)
                        .with(csrf())
                        .param("controllerOrg", Long.toString(health))
                        .param("recipientOrg", Long.toString(health))
                        .param("purpose", "df:statistics")
                        .param("categories", "name")
                        .param("language", "vi")
                        .param("noticeSha256", hash)
                        .param("decision", "GIVE"))
                .andReturn();
        assertThat(consents.list(actor("079190000999"))).isEmpty();
        // ticked: given
        mvc.perform(post("/me/consents")
                        .session(session)
                        .with(csrf())
                        .param("controllerOrg", Long.toString(health))
                        .param("recipientOrg", Long.toString(health))
                        .param("purpose", "df:statistics")
                        .param("categories", "name")
                        .param("language", "vi")
                        .param("noticeSha256", hash)
                        .param("decision", "GIVE")
                        .param("affirmativeAct", "yes"))
                .andReturn();
        List<Consent> mine = consents.list(actor("079190000999"));
        assertThat(mine).hasSize(1);
        assertThat(mine.get(0).channel()).isEqualTo(Channel.WEB);
        String list = mvc.perform(get("/me/consents").session(session))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(list).contains("id=\"withdraw-" + mine.get(0).id() + "\"");
    }
}
