package vn.datafloor.server.catalog;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * The portal's public "request a dataset" list and publishers' own pages. Anyone may ask (an anonymous
 * visitor leaves a contact that is shown only to the operator and to the publisher asked); any publisher's
 * stewards may answer; the operator closes spam. Every request, answer and closure goes on the ledger — the
 * contact never does.
 */
@Service
public class DatasetRequests {

    public static final int PAGE_SIZE = 20;
    static final int MAX_TITLE = 200;
    static final int MAX_TEXT = 4000;
    static final int MAX_CONTACT = 200;
    static final int MAX_REASON = 500;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}\\.[^@\\s]{2,}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 .-]{8,20}");

    /** An answer as the list shows it. */
    public record AnswerView(
            long publisherId,
            String publisher,
            String body,
            String datasetSlug,
            String datasetTitle,
            Instant at,
            Long ledgerIndex) {}

    /**
     * A request as the viewer may see it: {@code contact} only for the operator and the publisher asked,
     * {@code closeReason} only for the operator (closed requests are not listed for anyone else).
     */
    public record RequestView(
            long id,
            String title,
            String description,
            Long publisherId,
            String publisher,
            String status,
            boolean anonymous,
            String contact,
            String closeReason,
            Instant at,
            Long ledgerIndex,
            List<AnswerView> answers,
            boolean canAnswer,
            boolean canClose) {}

    public record RequestPage(List<RequestView> requests, long total, int page, int pages) {}

    /** A publisher's portal page: who it is, what it says about itself, what it publishes. */
    public record PublisherView(
            Organisation organisation,
            String descriptionVi,
            String descriptionEn,
            List<CatalogEntry> datasets,
            List<RequestView> requests,
            boolean canDescribe) {

        public String description(boolean english) {
            return english && descriptionEn != null ? descriptionEn : descriptionVi;
        }
    }

    private final PortalStore store;
    private final CatalogService catalog;
    private final OrganisationService organisations;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final RequestThrottle throttle;
    private final Clock clock;

    DatasetRequests(
            PortalStore store,
            CatalogService catalog,
            OrganisationService organisations,
            AccessPolicy policy,
            AuditLog audit,
            RequestThrottle throttle,
            Clock clock) {
        this.store = store;
        this.catalog = catalog;
        this.organisations = organisations;
        this.policy = policy;
        this.audit = audit;
        this.throttle = throttle;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ publishers

    /** A publisher's page: any enabled organisation; 404 otherwise. */
    public PublisherView publisher(Actor actor, long orgId) {
        Organisation org = organisations
                .find(orgId)
                .filter(Organisation::enabled)
                .orElseThrow(() -> ProblemException.notFound("No publisher " + orgId));
        Optional<PortalStore.PublisherDescription> description = store.publisher(orgId);
        return new PublisherView(
                org,
                description.map(PortalStore.PublisherDescription::vi).orElse(null),
                description.map(PortalStore.PublisherDescription::en).orElse(null),
                catalog.publicEntriesOf(orgId),
                store.requests(false, orgId, 0, 10).stream()
                        .map(r -> view(actor, r))
                        .toList(),
                actor != null
                        && policy.decide(actor, Action.MANAGE_CATALOG, orgId).allowed());
    }

    /** The publisher's own stewards write what the portal says about it. */
    @Transactional
    public void describePublisher(Actor actor, long orgId, String vi, String en) {
        String cleanVi = optional(vi, MAX_TEXT, "description");
        String cleanEn = optional(en, MAX_TEXT, "description");
        if (organisations.find(orgId).isEmpty()) {
            throw ProblemException.notFound("No publisher " + orgId);
        }
        policy.require(actor, Action.MANAGE_CATALOG, orgId);
        store.describePublisher(orgId, cleanVi, cleanEn, actor.userId(), clock.instant());
        record(actor, EventType.PUBLISHER_DESCRIBED, orgId, "publisher " + orgId + " described", Map.of());
    }

    // ------------------------------------------------------------------ requests

    /** The public list, newest first: closed requests only for the operator. */
    public RequestPage list(Actor actor, int page) {
        boolean moderator = moderator(actor);
        long total = store.countRequests(moderator, null);
        int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        int current = Math.max(1, Math.min(page, pages));
        List<RequestView> views = store.requests(moderator, null, (current - 1) * PAGE_SIZE, PAGE_SIZE).stream()
                .map(r -> view(actor, r))
                .toList();
        return new RequestPage(views, total, current, pages);
    }

    /** Publishers a request may be addressed to: enabled organisations other than the operator. */
    public List<Organisation> publishers() {
        return organisations.directory().stream()
                .filter(o -> o.kind() != vn.datafloor.server.identity.OrganisationKind.OPERATOR)
                .toList();
    }

    /**
     * Files a request. Anonymous visitors must leave a contact (an e-mail address or a telephone number), which is
     * stored for the operator and the publisher asked and never listed publicly nor written on the ledger.
     */
    @Transactional
    public long ask(Actor actor, String title, String description, String contact, Long orgId) {
        String cleanTitle = required(title, 3, MAX_TITLE, "title");
        String cleanDescription = required(description, 10, MAX_TEXT, "description");
        String cleanContact = optional(contact, MAX_CONTACT, "contact");
        if (actor == null && cleanContact == null) {
            throw ProblemException.badRequest(
                    "portal.request.contactNeeded", "Leave an e-mail address or a telephone number, or sign in");
        }
        if (cleanContact != null
                && !EMAIL.matcher(cleanContact).matches()
                && !PHONE.matcher(cleanContact).matches()) {
            throw ProblemException.badRequest(
                    "portal.request.contactInvalid", "The contact is neither an e-mail address nor a telephone number");
        }
        if (orgId != null && publishers().stream().noneMatch(o -> o.id() == orgId)) {
            throw ProblemException.badRequest("portal.request.unknownPublisher", "No publisher " + orgId);
        }
        String key =
                actor == null ? "ip:" + ClientAddress.throttleKey(ClientAddress.current()) : "user:" + actor.userId();
        if (!throttle.tryAcquire(key)) {
            long retryAfter = throttle.retryAfterSeconds(key);
            throw ProblemException.tooManyRequests(
                    "portal.request.tooMany",
                    "At most " + throttle.perHour() + " dataset requests an hour; try again in " + retryAfter + " s",
                    retryAfter,
                    throttle.perHour());
        }
        Instant now = clock.instant();
        long id = store.insertRequest(
                cleanTitle, cleanDescription, orgId, actor == null ? null : actor.personId(), cleanContact, now);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("request", Long.toString(id));
        details.put("anonymous", Boolean.toString(actor == null));
        if (orgId != null) {
            details.put("publisher", Long.toString(orgId));
        }
        long index = record(
                actor, EventType.DATASET_REQUESTED, orgId, "dataset request #" + id + ": " + cleanTitle, details);
        store.setRequestLedgerIndex(id, index);
        return id;
    }

    /** A publisher's steward answers, optionally pointing at one of the catalog's public datasets. */
    @Transactional
    public void answer(Actor actor, long requestId, String body, String datasetSlug) {
        String cleanBody = required(body, 2, MAX_TEXT, "answer");
        String slug = datasetSlug == null || datasetSlug.isBlank() ? null : datasetSlug.strip();
        // The handler's permit already asked for a steward; an answer is always in the steward's own name.
        policy.require(actor, Action.MANAGE_CATALOG, actor.orgId());
        PortalStore.StoredRequest request = store.request(requestId)
                .filter(r -> !"CLOSED".equals(r.status()))
                .orElseThrow(() -> ProblemException.notFound("No open dataset request " + requestId));
        if (slug != null && catalog.find(null, slug).isEmpty()) {
            throw ProblemException.badRequest(
                    "portal.answer.unknownDataset", "No public dataset " + slug + " in the catalog");
        }
        long answerId =
                store.insertAnswer(request.id(), actor.orgId(), actor.userId(), cleanBody, slug, clock.instant());
        Map<String, String> details = new LinkedHashMap<>();
        details.put("request", Long.toString(request.id()));
        details.put("answer", Long.toString(answerId));
        if (slug != null) {
            details.put("dataset", slug);
        }
        long index = record(
                actor,
                EventType.DATASET_REQUEST_ANSWERED,
                actor.orgId(),
                "dataset request #" + request.id() + " answered",
                details);
        store.setAnswerLedgerIndex(answerId, index);
    }

    /** The operator closes a request (spam, off-topic), with a reason; it leaves the public list. */
    @Transactional
    public void close(Actor actor, long requestId, String reason) {
        String cleanReason = required(reason, 2, MAX_REASON, "reason");
        policy.require(actor, Action.MODERATE_DATASET_REQUESTS);
        PortalStore.StoredRequest request = store.request(requestId)
                .filter(r -> !"CLOSED".equals(r.status()))
                .orElseThrow(() -> ProblemException.notFound("No open dataset request " + requestId));
        store.close(request.id(), actor.userId(), cleanReason, clock.instant());
        record(
                actor,
                EventType.DATASET_REQUEST_CLOSED,
                request.orgId(),
                "dataset request #" + request.id() + " closed",
                Map.of("request", Long.toString(request.id()), "reason", cleanReason));
    }

    private boolean moderator(Actor actor) {
        return actor != null
                && policy.decide(actor, Action.MODERATE_DATASET_REQUESTS).allowed();
    }

    private RequestView view(Actor actor, PortalStore.StoredRequest r) {
        boolean moderator = moderator(actor);
        boolean askedPublisher = actor != null
                && r.orgId() != null
                && policy.decide(actor, Action.MANAGE_CATALOG, r.orgId()).allowed();
        boolean open = !"CLOSED".equals(r.status());
        boolean answers = actor != null
                && actor.orgId() != null
                && policy.decide(actor, Action.MANAGE_CATALOG, actor.orgId()).allowed();
        return new RequestView(
                r.id(),
                r.title(),
                r.description(),
                r.orgId(),
                r.orgId() == null
                        ? null
                        : organisations.find(r.orgId()).map(Organisation::name).orElse(null),
                r.status(),
                r.requesterId() == null,
                moderator || askedPublisher ? r.contact() : null,
                moderator ? r.closeReason() : null,
                r.createdAt(),
                r.ledgerIndex(),
                r.answers().stream()
                        .map(a -> new AnswerView(
                                a.orgId(),
                                organisations
                                        .find(a.orgId())
                                        .map(Organisation::name)
                                        .orElse(""),
                                a.body(),
                                a.datasetSlug(),
                                a.datasetSlug() == null
                                        ? null
                                        : catalog.find(actor, a.datasetSlug())
                                                .map(e -> e.titleVi())
                                                .orElse(null),
                                a.createdAt(),
                                a.ledgerIndex()))
                        .toList(),
                open && answers,
                open && moderator);
    }

    private long record(Actor actor, EventType type, Long orgId, String summary, Map<String, String> details) {
        return audit.record(new AuditEvent(
                type,
                actor == null ? null : actor.personId(),
                actor == null ? null : actor.personName(),
                orgId,
                AuditEvent.Outcome.SUCCESS,
                ClientAddress.current(),
                summary,
                details));
    }

    private static String required(String text, int min, int max, String field) {
        String clean = text == null ? "" : text.strip();
        if (clean.length() < min) {
            throw ProblemException.badRequest(
                    "portal.field.required." + field, "The " + field + " is missing or too short");
        }
        if (clean.length() > max) {
            throw ProblemException.badRequest(
                    "portal.field.tooLong", "The " + field + " is longer than " + max + " characters", max);
        }
        return clean;
    }

    private static String optional(String text, int max, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String clean = text.strip();
        if (clean.length() > max) {
            throw ProblemException.badRequest(
                    "portal.field.tooLong", "The " + field + " is longer than " + max + " characters", max);
        }
        return clean;
    }
}
