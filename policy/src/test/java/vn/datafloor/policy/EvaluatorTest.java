package vn.datafloor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import vn.datafloor.policy.Decision.Outcome;
import vn.datafloor.policy.Decision.Reason;
import vn.datafloor.policy.Decision.ReasonKind;
import vn.datafloor.policy.Decision.Status;

/** Rule by rule, on the ODRL 2.2 Information Model's examples and Datafloor's own. */
class EvaluatorTest {

    static final WorldState NOW = WorldState.at(Instant.parse("2017-06-01T00:00:00Z"));

    static Decision decide(String example, Request request, WorldState state) {
        return Evaluator.evaluate(Examples.policy(example), request, state);
    }

    static Reason reason(Decision decision, ReasonKind kind) {
        return decision.reasons().stream()
                .filter(r -> r.kind() == kind)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + decision.reasons()));
    }

    @Nested
    class Basics {
        static final String MOVIE = "http://example.com/asset:9898.movie";

        @Test
        void setWithUsePermitsEveryActionUseIncludes() {
            for (String action : List.of("use", "display", "read", "play", "odrl:reproduce")) {
                Decision d = decide("example-set-use.jsonld", Request.of("anyone", action, MOVIE), NOW);
                assertThat(d.outcome()).as(action).isEqualTo(Outcome.PERMIT);
                assertThat(reason(d, ReasonKind.PERMITTED).rule()).isEqualTo("permission[0]");
            }
        }

        @Test
        void useDoesNotIncludeTransferNorUnknownActions() {
            Decision sell = decide("example-set-use.jsonld", Request.of("anyone", "sell", MOVIE), NOW);
            assertThat(sell.outcome()).isEqualTo(Outcome.DENY);
            assertThat(sell.has(ReasonKind.NO_PERMISSION)).isTrue();
            Decision mine = decide(
                    "example-set-use.jsonld", Request.of("anyone", "http://example.com/action/mine", MOVIE), NOW);
            assertThat(mine.outcome()).isEqualTo(Outcome.DENY);
        }

        @Test
        void anotherTargetIsNotApplicable() {
            Decision d = decide("example-set-use.jsonld", Request.of("anyone", "use", "http://example.com/other"), NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.NOT_APPLICABLE);
            assertThat(d.reasons().get(0).kind()).isEqualTo(ReasonKind.NOT_COVERED);
        }

        @Test
        void offerWithoutAssigneePermitsPlayToAnyone() {
            Decision d = decide("example-offer-play.jsonld", Request.of("someone", "play", MOVIE), NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
            Decision display = decide("example-offer-play.jsonld", Request.of("someone", "display", MOVIE), NOW);
            assertThat(display.outcome()).isEqualTo(Outcome.DENY);
        }

        @Test
        void agreementPermitsOnlyItsAssignee() {
            String billie = "http://example.com/party:person:billie";
            assertThat(decide("example-agreement-play.jsonld", Request.of(billie, "play", MOVIE), NOW)
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
            assertThat(decide("example-agreement-play.jsonld", Request.of("http://example.com/x", "play", MOVIE), NOW)
                            .outcome())
                    .isEqualTo(Outcome.NOT_APPLICABLE);
            assertThat(decide("example-agreement-play.jsonld", Request.of(null, "play", MOVIE), NOW)
                            .outcome())
                    .isEqualTo(Outcome.NOT_APPLICABLE);
        }
    }

    @Nested
    class Constraints {
        static final String DOC = "http://example.com/document:1234";

        @Test
        void dateTimeLtADateEndsAtTheStartOfThatDay() {
            Request r = Request.of("x", "distribute", DOC);
            assertThat(decide("example-offer-datetime.jsonld", r, NOW).outcome())
                    .isEqualTo(Outcome.PERMIT);
            Decision late = decide(
                    "example-offer-datetime.jsonld", r, WorldState.at(Instant.parse("2018-01-01T00:00:00+07:00")));
            assertThat(late.outcome()).isEqualTo(Outcome.DENY);
            Reason reason = reason(late, ReasonKind.CONSTRAINT_NOT_SATISFIED);
            assertThat(reason.rule()).isEqualTo("permission[0]");
            assertThat(reason.checks()).singleElement().satisfies(c -> {
                assertThat(c.leftOperand()).isEqualTo("dateTime");
                assertThat(c.operator()).isEqualTo("lt");
                assertThat(c.expected()).isEqualTo("2018-01-01");
                assertThat(c.actual()).isEqualTo("2017-12-31T17:00:00Z");
                assertThat(c.status()).isEqualTo(Status.NOT_SATISFIED);
                assertThat(c.why()).isEqualTo("expired");
            });
        }

        @Test
        void anUnknownLeftOperandNeverPermits() {
            Decision d = decide("example-offer-print-refinement.jsonld", Request.of("x", "print", DOC), NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.CONSTRAINT_NOT_SATISFIED).checks())
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.leftOperand()).isEqualTo("resolution");
                        assertThat(c.status()).isEqualTo(Status.UNKNOWN);
                        assertThat(c.why()).isEqualTo("unknown left operand");
                    });
        }

        @Test
        void anUnknownOperatorNeverPermits() {
            Policy p = OdrlJson.read("""
                    {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                     "permission": [{"action": "use", "constraint": [
                        {"leftOperand": "purpose", "operator": "http://example.com/op/similarTo",
                         "rightOperand": "research"}]}]}
                    """);
            Decision d = Evaluator.evaluate(p, Request.of("x", "use", "t").with("purpose", "research"), NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.CONSTRAINT_NOT_SATISFIED)
                            .checks()
                            .get(0)
                            .why())
                    .isEqualTo("unknown operator");
        }

        @Test
        void spatialEq() {
            String asset = "http://example.com/assets:4444";
            Request germany = Request.of("x", "display", asset).with("spatial", "https://www.wikidata.org/wiki/Q183");
            assertThat(decide("example-spatial-eq.jsonld", germany, NOW).outcome())
                    .isEqualTo(Outcome.PERMIT);
            Request vietnam = Request.of("x", "display", asset).with("spatial", "https://www.wikidata.org/wiki/Q881");
            Decision d = decide("example-spatial-eq.jsonld", vietnam, NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.CONSTRAINT_NOT_SATISFIED)
                            .checks()
                            .get(0)
                            .actual())
                    .isEqualTo("https://www.wikidata.org/wiki/Q881");
        }

        @Test
        void aValueTheRequestDoesNotSupplyNeverPermits() {
            Decision d = decide(
                    "example-spatial-eq.jsonld", Request.of("x", "display", "http://example.com/assets:4444"), NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.CONSTRAINT_NOT_SATISFIED).checks().get(0))
                    .satisfies(c -> {
                        assertThat(c.status()).isEqualTo(Status.UNKNOWN);
                        assertThat(c.actual()).isNull();
                        assertThat(c.why()).isEqualTo("not provided");
                    });
        }

        @Test
        void countIncludesThisUse() {
            Request play = Request.of("x", "play", "http://example.com/music/1999.mp3");
            String rule = "http://example.com/rule:play-five-times";
            assertThat(decide("example-count.jsonld", play, NOW.withCount(rule, 4))
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
            Decision sixth = decide("example-count.jsonld", play, NOW.withCount(rule, 5));
            assertThat(sixth.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(sixth, ReasonKind.CONSTRAINT_NOT_SATISFIED).rule())
                    .isEqualTo(rule);
            assertThat(reason(sixth, ReasonKind.CONSTRAINT_NOT_SATISFIED)
                            .checks()
                            .get(0)
                            .actual())
                    .isEqualTo("6 (this use included)");
            // Counted by action when the state does not know the rule.
            assertThat(decide("example-count.jsonld", play, NOW.withCount("play", 0))
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
            assertThat(decide("example-count.jsonld", play, NOW).outcome()).isEqualTo(Outcome.DENY);
        }

        @Test
        void elapsedTimeFromTheAgreementStart() {
            Policy p = OdrlJson.read("""
                    {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                     "permission": [{"action": "use", "constraint": [
                        {"leftOperand": "elapsedTime", "operator": "lteq",
                         "rightOperand": {"@value": "P30D", "@type": "xsd:duration"}}]}]}
                    """);
            Request r = Request.of("x", "read", "t");
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            assertThat(Evaluator.evaluate(
                                    p,
                                    r,
                                    WorldState.at(Instant.parse("2026-01-31T00:00:00Z"))
                                            .startedAt(start))
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
            assertThat(Evaluator.evaluate(
                                    p,
                                    r,
                                    WorldState.at(Instant.parse("2026-01-31T00:00:01Z"))
                                            .startedAt(start))
                            .outcome())
                    .isEqualTo(Outcome.DENY);
            assertThat(Evaluator.evaluate(p, r, WorldState.at(start)).outcome()).isEqualTo(Outcome.DENY);
        }

        @Test
        void orNeedsOne() {
            Request r = Request.of("x", "reproduce", "http://example.com/book/1999");
            assertThat(decide("example-logical.jsonld", r.with("spatial", "https://www.wikidata.org/wiki/Q142"), NOW)
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
            Decision d = decide("example-logical.jsonld", r.with("spatial", "https://www.wikidata.org/wiki/Q881"), NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.CONSTRAINT_NOT_SATISFIED).checks().get(0))
                    .satisfies(c -> {
                        assertThat(c.leftOperand()).isEqualTo("or");
                        assertThat(c.why()).isEqualTo("none satisfied");
                    });
        }

        @Test
        void xoneNeedsExactlyOne() {
            Request r = Request.of("x", "display", "http://example.com/book/1999");
            Request online = r.with("deliveryChannel", "http://example.com/channel:online");
            assertThat(decide("example-logical.jsonld", online.with("recipient", "http://example.com/party:shop"), NOW)
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
            assertThat(decide(
                                    "example-logical.jsonld",
                                    online.with("recipient", "http://example.com/party:library"),
                                    NOW)
                            .outcome())
                    .isEqualTo(Outcome.DENY);
            // One satisfied, the other not provided: it could be two, so it is not decided.
            assertThat(decide("example-logical.jsonld", online, NOW).outcome()).isEqualTo(Outcome.DENY);
        }

        @Test
        void andNeedsAll() {
            Request r =
                    Request.of("x", "translate", "http://example.com/book/1999").with("industry", "publishing");
            assertThat(decide("example-logical.jsonld", r.with("purpose", "research"), NOW)
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
            assertThat(decide("example-logical.jsonld", r.with("purpose", "marketing"), NOW)
                            .outcome())
                    .isEqualTo(Outcome.DENY);
        }
    }

    @Nested
    class DutiesProhibitionsConflicts {
        @Test
        void aPendingDutyDenies() {
            Request play = Request.of("http://example.com/person:44", "play", "http://example.com/music/1999.mp3");
            Decision d = decide("example-duty-compensate.jsonld", play, NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.DUTY_PENDING).message())
                    .startsWith("duty pending: http://example.com/duty:pay (compensate: payAmount eq 5.00");
            assertThat(decide("example-duty-compensate.jsonld", play, NOW.withFulfilled("http://example.com/duty:pay"))
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
        }

        @Test
        void prohibitionOfAnotherActionDoesNotConflict() {
            Request r = Request.of("http://example.com/assignee:55", "display", "http://example.com/photoAlbum:55");
            assertThat(decide("example-prohibition.jsonld", r, NOW).outcome()).isEqualTo(Outcome.PERMIT);
            Decision archive = decide(
                    "example-prohibition.jsonld",
                    Request.of("http://example.com/assignee:55", "archive", "http://example.com/photoAlbum:55"),
                    NOW);
            assertThat(archive.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(archive, ReasonKind.PROHIBITED).rule()).isEqualTo("prohibition[0]");
        }

        @Test
        void prohibitionWithRemedyDenies() {
            Decision d = decide(
                    "example-prohibition-remedy.jsonld",
                    Request.of("http://example.com/assignee:55", "index", "http://example.com/photoAlbum:55"),
                    NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.PROHIBITED).message()).isEqualTo("prohibits index");
        }

        @Test
        void conflictPermLetsThePermissionWin() {
            Request print = Request.of("x", "print", "http://example.com/music/1999.mp3");
            Decision d = decide("example-conflict-perm.jsonld", print, NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
            assertThat(reason(d, ReasonKind.CONFLICT).message()).startsWith("conflict: perm");
        }

        @Test
        void conflictProhibitLetsTheProhibitionWin() {
            Request print = Request.of("x", "print", "http://example.com/music/1999.mp3");
            Decision d = decide("example-conflict-prohibit.jsonld", print, NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.CONFLICT).message()).startsWith("conflict: prohibit");
            Request play = Request.of("x", "play", "http://example.com/music/1999.mp3");
            assertThat(decide("example-conflict-prohibit.jsonld", play, NOW).outcome())
                    .isEqualTo(Outcome.PERMIT);
        }

        @Test
        void conflictInvalidIsTheDefaultAndVoidsThePolicy() {
            Request print = Request.of("x", "print", "http://example.com/music/1999.mp3");
            Decision d = decide("example-conflict-default.jsonld", print, NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.CONFLICT).message())
                    .startsWith("conflict: invalid (ODRL's default) — the policy is void");
        }

        @Test
        void aProhibitionThatCannotBeRuledOutApplies() {
            Policy p = OdrlJson.read("""
                    {"@context": "http://www.w3.org/ns/odrl.jsonld", "@type": "Set", "uid": "urn:p",
                     "conflict": "prohibit",
                     "permission": [{"action": "use"}],
                     "prohibition": [{"action": "use", "constraint": [
                        {"leftOperand": "recipient", "operator": "eq", "rightOperand": "competitor"}]}]}
                    """);
            Decision d = Evaluator.evaluate(p, Request.of("x", "read", "t"), NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.PROHIBITED).message()).contains("cannot be ruled out");
            assertThat(Evaluator.evaluate(p, Request.of("x", "read", "t").with("recipient", "partner"), NOW)
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
        }

        @Test
        void obligationsAreReported() {
            Request read = Request.of("http://example.com/person:44", "read", "http://example.com/document:XZY");
            Decision d = decide("example-obligation.jsonld", read, NOW);
            assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
            assertThat(reason(d, ReasonKind.OBLIGATION_PENDING).message())
                    .isEqualTo("obligation to delete is not fulfilled (due now)");
            assertThat(decide("example-obligation.jsonld", read, NOW.withFulfilled("delete"))
                            .has(ReasonKind.OBLIGATION_PENDING))
                    .isFalse();
        }
    }

    @Nested
    class Datafloor {
        static final String BANK = "https://datafloor.vn/org/bank-a";
        static final String DATASET = "https://datafloor.vn/dataset/credit-history";
        static final WorldState IN_2027 = WorldState.at(Instant.parse("2027-06-01T03:00:00Z"));

        static Request scoring(String action) {
            return Request.of(BANK, action, DATASET)
                    .with("purpose", "df:creditScoring")
                    .with("spatial", "http://www.wikidata.org/entity/Q1858", "http://www.wikidata.org/entity/Q881")
                    .with("df:crossBorder", "false")
                    .with("df:legalBasis", "https://datafloor.vn/odrl/profile#contract");
        }

        @Test
        void creditScoringInVietnamUntilTheEndOf2027() {
            Decision d = decide("datafloor-credit-scoring.jsonld", scoring("read"), IN_2027);
            assertThat(d.outcome()).isEqualTo(Outcome.PERMIT);
            assertThat(reason(d, ReasonKind.PERMITTED).rule())
                    .isEqualTo("https://datafloor.vn/policy/credit-scoring-2027#use");
            assertThat(reason(d, ReasonKind.OBLIGATION_PENDING).message()).endsWith("(not yet due)");
            // The last evening of 2027 in Hanoi is still within the term.
            assertThat(decide(
                                    "datafloor-credit-scoring.jsonld",
                                    scoring("read"),
                                    WorldState.at(Instant.parse("2027-12-31T16:59:59Z")))
                            .outcome())
                    .isEqualTo(Outcome.PERMIT);
        }

        @Test
        void expiredTheObligationToDeleteIsDue() {
            Decision d = decide(
                    "datafloor-credit-scoring.jsonld",
                    scoring("read"),
                    WorldState.at(Instant.parse("2027-12-31T17:00:00Z")));
            assertThat(d.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(d, ReasonKind.CONSTRAINT_NOT_SATISFIED).checks())
                    .singleElement()
                    .satisfies(c -> assertThat(c.leftOperand()).isEqualTo("dateTime"));
            assertThat(reason(d, ReasonKind.OBLIGATION_PENDING).message()).endsWith("(due now)");
        }

        @Test
        void anotherPurposeOrDeliveryAbroadIsDenied() {
            Decision marketing =
                    decide("datafloor-credit-scoring.jsonld", scoring("read").with("purpose", "df:marketing"), IN_2027);
            assertThat(marketing.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(marketing, ReasonKind.CONSTRAINT_NOT_SATISFIED).checks())
                    .singleElement()
                    .satisfies(c -> {
                        assertThat(c.leftOperand()).isEqualTo("purpose");
                        assertThat(c.expected()).isEqualTo("df:creditScoring");
                        assertThat(c.actual()).isEqualTo("df:marketing");
                    });
            Decision abroad = decide(
                    "datafloor-credit-scoring.jsonld",
                    scoring("read")
                            .with("df:crossBorder", "true")
                            .with("spatial", "http://www.wikidata.org/entity/Q334"),
                    IN_2027);
            assertThat(abroad.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(abroad, ReasonKind.CONSTRAINT_NOT_SATISFIED).checks())
                    .extracting(Decision.ConstraintCheck::leftOperand)
                    .containsExactly("spatial", "df:crossBorder");
            Decision noBasis = decide(
                    "datafloor-credit-scoring.jsonld",
                    new Request(BANK, "read", DATASET, java.util.Map.of("purpose", List.of("df:creditScoring"))),
                    IN_2027);
            assertThat(reason(noBasis, ReasonKind.CONSTRAINT_NOT_SATISFIED).checks())
                    .extracting(Decision.ConstraintCheck::why)
                    .containsOnly("not provided");
        }

        @Test
        void noResale() {
            Decision sell = decide("datafloor-credit-scoring.jsonld", scoring("sell"), IN_2027);
            assertThat(sell.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(sell, ReasonKind.PROHIBITED).rule())
                    .isEqualTo("https://datafloor.vn/policy/credit-scoring-2027#no-sale");
            Decision distribute = decide("datafloor-credit-scoring.jsonld", scoring("distribute"), IN_2027);
            assertThat(distribute.outcome()).isEqualTo(Outcome.DENY);
            assertThat(reason(distribute, ReasonKind.CONFLICT).message()).startsWith("conflict: prohibit");
        }

        @Test
        void anotherBankIsNotCovered() {
            Decision d = decide(
                    "datafloor-credit-scoring.jsonld",
                    new Request("https://datafloor.vn/org/bank-b", "read", DATASET, java.util.Map.of()),
                    IN_2027);
            assertThat(d.outcome()).isEqualTo(Outcome.NOT_APPLICABLE);
        }
    }
}
