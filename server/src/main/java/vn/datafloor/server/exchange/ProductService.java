package vn.datafloor.server.exchange;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.catalog.CatalogEntry;
import vn.datafloor.server.catalog.CatalogService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Data products and their mandatory inspection. A provider builds a product from one of its catalog
 * entries and submits it; nothing is listed before the operator inspects it. The system computes a
 * checklist from the catalog (the Data Law's classification, personal data, quality, documentation);
 * a failed blocking item cannot be approved, whatever the inspector decides, and core data is never
 * tradable. The inspector's decision and reasons go on the ledger; a changed product goes back to
 * inspection.
 */
@Service
public class ProductService {

    public enum Status {
        DRAFT,
        SUBMITTED,
        APPROVED,
        REJECTED
    }

    public enum Delivery {
        LATEST,
        FIXED
    }

    public record Product(
            long id,
            long orgId,
            String catalogSlug,
            String title,
            String description,
            Delivery delivery,
            Integer fixedVersion,
            Status status,
            Instant createdAt,
            Instant updatedAt) {}

    /**
     * One item of the inspection checklist.
     *
     * @param blocking a failed blocking item forbids approval
     * @param passed whether the product meets it
     * @param detail what was found, for the inspector and the provider (English; the pages show {@code messageKey})
     */
    public record CheckItem(
            String code,
            boolean blocking,
            boolean passed,
            String detail,
            String messageKey,
            List<String> messageArgs) {}

    public record Inspection(long id, String decision, String reason, Long inspector, Instant decidedAt) {}

    /** A product with what the system checked and what the inspectors decided. */
    public record Inspected(Product product, List<CheckItem> checklist, List<Inspection> inspections) {
        public boolean approvable() {
            return checklist.stream().noneMatch(c -> c.blocking() && !c.passed());
        }
    }

    public record NewProduct(
            String catalogSlug, String title, String description, Delivery delivery, Integer fixedVersion) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final CatalogService catalog;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final JsonMapper json;
    private final Clock clock;
    private final double minimumQuality;

    ProductService(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            CatalogService catalog,
            AccessPolicy policy,
            AuditLog audit,
            JsonMapper json,
            Clock clock,
            @Value("${datafloor.exchange.minimum-quality:90}") double minimumQuality) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.catalog = catalog;
        this.policy = policy;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
        this.minimumQuality = minimumQuality;
    }

    // ------------------------------------------------------------------ providers

    /** Builds a draft product from one of the organisation's catalog entries. */
    public Product create(Actor actor, NewProduct request) {
        CatalogEntry entry = catalog.find(actor, request.catalogSlug() == null ? "" : request.catalogSlug())
                .orElseThrow(
                        () -> ProblemException.notFound("No dataset " + request.catalogSlug() + " in the catalog"));
        policy.require(actor, Action.MANAGE_PRODUCTS, entry.orgId());
        String title = text(request.title(), 3, 300, "product.title", "a title of 3-300 characters");
        String description =
                text(request.description(), 20, 5000, "product.description", "a description of 20-5000 characters");
        Delivery delivery = request.delivery() == null ? Delivery.LATEST : request.delivery();
        Integer version = null;
        if (delivery == Delivery.FIXED) {
            version = request.fixedVersion();
            if (version == null
                    || entry.latest() == null
                    || version < 1
                    || version > entry.latest().version()) {
                throw ProblemException.badRequest(
                        "product.version", "A fixed-version product names a published version of the dataset", version);
            }
        }
        Instant now = clock.instant();
        Integer fixed = version;
        long id = transactions.execute(status -> {
            jdbc.sql(
                            "insert into exchange_product(org_id, catalog_slug, title, description, delivery, fixed_version, status, "
                                    + "created_by, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?)")
                    .params(
                            entry.orgId(),
                            entry.slug(),
                            title,
                            description,
                            delivery.name(),
                            fixed,
                            Status.DRAFT.name(),
                            actor.personId(),
                            Timestamp.from(now),
                            Timestamp.from(now))
                    .update();
            return jdbc.sql("select max(id) from exchange_product where org_id = ? and catalog_slug = ?")
                    .params(entry.orgId(), entry.slug())
                    .query(Long.class)
                    .single();
        });
        return product(id).orElseThrow();
    }

    /** Sends a draft (or a refused product, changed) to the operator; it is not listed until approved. */
    public Product submit(Actor actor, long productId) {
        Product product = visible(actor, productId);
        policy.require(actor, Action.MANAGE_PRODUCTS, product.orgId());
        if (product.status() == Status.SUBMITTED || product.status() == Status.APPROVED) {
            throw ProblemException.conflict("product.alreadySubmitted", "This product is already " + product.status());
        }
        transactions.executeWithoutResult(status -> {
            setStatus(productId, Status.SUBMITTED);
            audit.record(new AuditEvent(
                    EventType.PRODUCT_SUBMITTED,
                    actor.personId(),
                    actor.personName(),
                    product.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "product " + productId + " submitted for inspection",
                    Map.of("product", Long.toString(productId), "dataset", product.catalogSlug())));
        });
        catalog.refreshListing(product.catalogSlug());
        return product(productId).orElseThrow();
    }

    // ------------------------------------------------------------------ the operator

    /** Products waiting for inspection, oldest first, each with its checklist. */
    public List<Inspected> queue(Actor actor) {
        policy.require(actor, Action.INSPECT_PRODUCTS);
        return products("where status = ? order by updated_at, id", Status.SUBMITTED.name()).stream()
                .map(p -> inspected(actor, p))
                .toList();
    }

    /** Approves or refuses a submitted product; approval is impossible while a blocking item fails. */
    public Inspected inspect(Actor actor, long productId, boolean approve, String reason) {
        policy.require(actor, Action.INSPECT_PRODUCTS);
        Product product = product(productId).orElseThrow(() -> ProblemException.notFound("No product " + productId));
        if (product.status() != Status.SUBMITTED) {
            throw ProblemException.conflict(
                    "product.notSubmitted", "Only a submitted product is inspected; this one is " + product.status());
        }
        String why = text(reason, 3, 2000, "product.reason", "the decision's reasons (3-2000 characters)");
        List<CheckItem> checklist = checklist(actor, product);
        List<String> failed = checklist.stream()
                .filter(c -> c.blocking() && !c.passed())
                .map(CheckItem::code)
                .toList();
        if (approve && !failed.isEmpty()) {
            throw ProblemException.conflict(
                    "product.blocked",
                    "This product cannot be approved: " + String.join(", ", failed),
                    String.join(", ", failed));
        }
        Status decided = approve ? Status.APPROVED : Status.REJECTED;
        Instant now = clock.instant();
        transactions.executeWithoutResult(status -> {
            setStatus(productId, decided);
            jdbc.sql("insert into exchange_inspection(product_id, decision, reason, checklist, inspector, decided_at) "
                            + "values (?,?,?,?,?,?)")
                    .params(
                            productId,
                            decided.name(),
                            why,
                            json.writeValueAsString(checklist),
                            actor.personId(),
                            Timestamp.from(now))
                    .update();
            audit.record(new AuditEvent(
                    EventType.PRODUCT_INSPECTED,
                    actor.personId(),
                    actor.personName(),
                    product.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "product " + productId + " " + decided.name().toLowerCase(Locale.ROOT) + ": " + why,
                    Map.of(
                            "product",
                            Long.toString(productId),
                            "decision",
                            decided.name(),
                            "failed",
                            String.join(",", failed))));
        });
        catalog.refreshListing(product.catalogSlug());
        return inspected(actor, product(productId).orElseThrow());
    }

    /**
     * A classification changed under listed or waiting products: they leave the listing and go back
     * to the inspection queue, on the ledger, until the operator inspects them again.
     */
    @org.springframework.context.event.EventListener
    void onClassificationChanged(vn.datafloor.server.catalog.ClassificationChanged changed) {
        for (Product product :
                products("where catalog_slug = ? and status in ('APPROVED', 'SUBMITTED')", changed.slug())) {
            backToInspection(product, "classification now " + changed.importance() + "/" + changed.sharing());
        }
    }

    /**
     * A listed product whose terms or data changed leaves the listing for the inspection queue (a
     * draft or refused one stays as it is: it will be inspected when submitted).
     */
    void backToInspection(Product product, String why) {
        if (product.status() != Status.APPROVED && product.status() != Status.SUBMITTED) {
            return;
        }
        transactions.executeWithoutResult(status -> {
            setStatus(product.id(), Status.SUBMITTED);
            audit.record(new AuditEvent(
                    EventType.PRODUCT_SUBMITTED,
                    null,
                    null,
                    product.orgId(),
                    AuditEvent.Outcome.SUCCESS,
                    null,
                    "product " + product.id() + " back to inspection: " + why,
                    Map.of("product", Long.toString(product.id()), "dataset", product.catalogSlug(), "reason", why)));
        });
        catalog.refreshListing(product.catalogSlug());
    }

    // ------------------------------------------------------------------ reading

    /** Approved products: the public listing. */
    public List<Product> listed() {
        return products("where status = ? order by updated_at desc, id desc", Status.APPROVED.name());
    }

    /** The organisation's own products, every status. */
    public List<Product> ofOrganisation(Actor actor, long orgId) {
        policy.require(actor, Action.MANAGE_PRODUCTS, orgId);
        return products("where org_id = ? order by updated_at desc, id desc", orgId);
    }

    /** A listed product for anyone; an unlisted one for its organisation and the operator. */
    public Inspected get(Actor actor, long productId) {
        return inspected(actor, visible(actor, productId));
    }

    private Product visible(Actor actor, long productId) {
        Product product = product(productId).orElseThrow(() -> ProblemException.notFound("No product " + productId));
        boolean mayInspect =
                actor != null && policy.decide(actor, Action.INSPECT_PRODUCTS).allowed();
        boolean owner = actor != null
                && policy.decide(actor, Action.MANAGE_PRODUCTS, product.orgId()).allowed();
        if (product.status() != Status.APPROVED && !mayInspect && !owner) {
            throw ProblemException.notFound("No product " + productId);
        }
        return product;
    }

    private Inspected inspected(Actor actor, Product product) {
        List<Inspection> inspections = jdbc.sql(
                        "select id, decision, reason, inspector, decided_at from exchange_inspection where product_id = ? order by id")
                .param(product.id())
                .query((rs, n) -> new Inspection(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getObject(4, Long.class),
                        rs.getTimestamp(5).toInstant()))
                .list();
        return new Inspected(product, checklist(actor, product), inspections);
    }

    /**
     * What the system checks before a product may be listed, from the catalog entry as it is now: the
     * Data Law's classes (core never tradable, important only with the operator's sign-off and never
     * abroad), personal data (only de-identified or with consent), a published, documented entry, a
     * sample-able published version and its quality score.
     */
    List<CheckItem> checklist(Actor actor, Product product) {
        // The platform reads the entry whoever asks: the checklist is the same for provider and inspector.
        Optional<CatalogEntry> found = catalog.find(Actor.SYSTEM, product.catalogSlug());
        List<CheckItem> items = new ArrayList<>();
        if (found.isEmpty()) {
            items.add(item("catalog.entry", true, false, "gone", "the catalog entry is gone", product.catalogSlug()));
            return items;
        }
        CatalogEntry entry = found.get();
        boolean published = entry.published();
        items.add(item(
                "catalog.published",
                true,
                published,
                published ? "ok" : "fail",
                published ? "published in the catalog" : "the catalog entry is not published"));
        boolean classified = entry.importance() != null;
        items.add(item(
                "classification.set",
                true,
                classified,
                classified ? "ok" : "fail",
                classified ? "classified " + entry.importance() : "not classified under the Data Law",
                String.valueOf(entry.importance())));
        boolean core = "core".equals(entry.importance());
        items.add(item(
                "classification.notCore",
                true,
                !core,
                core ? "fail" : "ok",
                core ? "core data is never traded (Data Law)" : "not core data"));
        boolean important = "important".equals(entry.importance());
        items.add(item(
                "classification.important",
                false,
                !important,
                important ? "fail" : "ok",
                important
                        ? "important data: the inspector's explicit sign-off is needed and delivery abroad is forbidden"
                        : "not important data"));
        boolean reviewed = "APPROVED".equals(entry.reviewStatus());
        // The operator's review of the classification is required where it matters most: important data.
        items.add(item(
                "classification.reviewed",
                important,
                reviewed,
                reviewed ? "ok" : "fail",
                reviewed
                        ? "the operator reviewed the classification"
                        : "the classification awaits the operator's review"));
        long personal =
                entry.columns().stream().filter(CatalogEntry.Column::personal).count();
        long unmasked = entry.columns().stream()
                .filter(c -> c.personal() && !c.masked())
                .count();
        items.add(item(
                "personalData.deIdentified",
                true,
                unmasked == 0,
                personal == 0 ? "none" : unmasked == 0 ? "ok" : "fail",
                personal == 0
                        ? "no personal data"
                        : unmasked == 0
                                ? personal + " personal column(s), all de-identified"
                                : unmasked
                                        + " personal column(s) in clear: only de-identified data, or data with the subjects' "
                                        + "consent, may be traded",
                Long.toString(unmasked == 0 ? personal : unmasked)));
        boolean unconfirmed = entry.columns().stream().anyMatch(CatalogEntry.Column::unconfirmed);
        items.add(item(
                "personalData.confirmed",
                true,
                !unconfirmed,
                unconfirmed ? "fail" : "ok",
                unconfirmed
                        ? "some detected personal data is not yet confirmed by the steward"
                        : "personal data confirmed"));
        // Quality scores are percentages (0-100), as the catalog shows them.
        Double quality = entry.latest() == null ? null : entry.latest().quality();
        String score = quality == null ? "" : String.format(Locale.ROOT, "%.1f", quality);
        String minimum = String.format(Locale.ROOT, "%.0f", minimumQuality);
        boolean good = quality != null && quality >= minimumQuality;
        items.add(item(
                "quality",
                true,
                good,
                quality == null ? "none" : good ? "ok" : "fail",
                quality == null
                        ? "no quality score (no published version measured)"
                        : "quality " + score + "% (at least " + minimum + "%)",
                score,
                minimum));
        boolean documented =
                entry.descriptionVi() != null && entry.descriptionVi().strip().length() >= 50
                        || entry.documentationUrl() != null;
        items.add(item(
                "documentation",
                true,
                documented,
                documented ? "ok" : "fail",
                documented ? "documented" : "describe the dataset (50 characters or a documentation link)"));
        boolean sample = entry.latest() != null && entry.latest().rows() > 0;
        items.add(item(
                "sample",
                true,
                sample,
                sample ? "ok" : "fail",
                sample ? entry.latest().rows() + " rows to sample" : "no published version to sample",
                entry.latest() == null ? "0" : Long.toString(entry.latest().rows())));
        return items;
    }

    /** A checklist item; its page text is the message {@code product.detail.<code>.<variant>} with {@code args}. */
    private static CheckItem item(
            String code, boolean blocking, boolean passed, String variant, String detail, String... args) {
        return new CheckItem(code, blocking, passed, detail, "product.detail." + code + "." + variant, List.of(args));
    }

    public Optional<Product> product(long id) {
        List<Product> found = products("where id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private List<Product> products(String where, Object... params) {
        return jdbc.sql(
                        "select id, org_id, catalog_slug, title, description, delivery, fixed_version, status, created_at, "
                                + "updated_at from exchange_product " + where)
                .params(params)
                .query(ProductService::product)
                .list();
    }

    private void setStatus(long productId, Status status) {
        jdbc.sql("update exchange_product set status = ?, updated_at = ? where id = ?")
                .params(status.name(), Timestamp.from(clock.instant()), productId)
                .update();
    }

    private static Product product(ResultSet rs, int n) throws SQLException {
        return new Product(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                Delivery.valueOf(rs.getString(6)),
                rs.getObject(7, Integer.class),
                Status.valueOf(rs.getString(8)),
                rs.getTimestamp(9).toInstant(),
                rs.getTimestamp(10).toInstant());
    }

    private static String text(String value, int min, int max, String key, String what) {
        String clean = value == null ? "" : value.strip();
        if (clean.length() < min || clean.length() > max) {
            throw ProblemException.badRequest(key, "Give " + what);
        }
        return clean;
    }
}
