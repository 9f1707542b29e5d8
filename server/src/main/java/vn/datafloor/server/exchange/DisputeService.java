package vn.datafloor.server.exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.audit.LedgerService;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.exchange.ContractService.Contract;
import vn.datafloor.server.exchange.MoneyJournal.AccountKind;
import vn.datafloor.server.exchange.MoneyJournal.Posting;
import vn.datafloor.server.exchange.MoneyJournal.TransactionKind;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ClientAddress;
import vn.datafloor.server.platform.ProblemException;

/**
 * Disputes over contracts. Either party opens one with a claim, the amount claimed and evidence (ledger
 * entries, usage records, files); the other party answers before the response deadline; the operator
 * mediates with notes both parties see and decides before the decision deadline: dismissed, a partial
 * or full refund, or the agreement terminated (with or without a refund). A refund moves money from
 * the provider's cash to the buyer's through the journal with a credit note, in one database
 * transaction with the decision: all of it happens or none. Every step goes on the ledger.
 */
@Service
public class DisputeService {

    public enum State {
        OPEN,
        RESPONDED,
        DECIDED
    }

    public enum Outcome {
        DISMISSED,
        PARTIAL_REFUND,
        FULL_REFUND,
        TERMINATE
    }

    /** Which side of the dispute a piece of evidence came with. */
    public enum Stage {
        CLAIM,
        RESPONSE
    }

    public static final int MAX_FILES = 5;
    public static final long MAX_FILE_BYTES = 5L * 1024 * 1024;

    public record Dispute(
            long id,
            long contractId,
            long claimantOrg,
            long respondentOrg,
            State state,
            String claim,
            long amountClaimed,
            Instant openedAt,
            Instant responseDue,
            Instant decisionDue,
            String response,
            Instant respondedAt,
            Outcome outcome,
            Long refund,
            String decisionReason,
            Instant decidedAt,
            Long refundTransactionId,
            Long creditNoteId,
            boolean responseOverdue,
            boolean decisionOverdue) {

        /** Waiting past a deadline: the respondent's or the operator's. */
        public boolean overdue() {
            return responseOverdue || decisionOverdue;
        }

        public boolean decided() {
            return state == State.DECIDED;
        }
    }

    public record Evidence(long id, long partyOrg, Stage stage, Long ledgerIndex, Long usageId) {}

    public record EvidenceFile(
            long id,
            long disputeId,
            long partyOrg,
            Stage stage,
            String fileName,
            String contentType,
            long size,
            String sha256,
            Instant uploadedAt) {}

    public record Message(long id, Long author, String body, Instant at) {}

    /** A dispute with everything both parties and the operator see. */
    public record Detail(
            Dispute dispute,
            Contract contract,
            String claimant,
            String respondent,
            String product,
            long paid,
            int vatPercent,
            List<Evidence> evidence,
            List<EvidenceFile> files,
            List<Message> messages) {}

    /** An uploaded file before it is stored. */
    public record Upload(String fileName, String contentType, byte[] bytes) {}

    /** What a party submits: text, the amount (claims only) and evidence. */
    public record Submission(
            String text, Long amount, List<Long> ledgerEntries, List<Long> usageRecords, List<Upload> files) {}

    public record Decision(Outcome outcome, Long refund, String reason) {}

    /** A file's bytes to serve, with its record. */
    public record FileContent(EvidenceFile file, byte[] bytes) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ContractService contracts;
    private final OfferService offers;
    private final ProductService products;
    private final MoneyJournal journal;
    private final InvoiceBook invoices;
    private final OrganisationService organisations;
    private final LedgerService ledger;
    private final AccessPolicy policy;
    private final AuditLog audit;
    private final Clock clock;
    private final Path directory;
    private final Duration responseTime;
    private final Duration decisionTime;

    DisputeService(
            JdbcClient jdbc,
            TransactionTemplate transactions,
            ContractService contracts,
            OfferService offers,
            ProductService products,
            MoneyJournal journal,
            InvoiceBook invoices,
            OrganisationService organisations,
            LedgerService ledger,
            AccessPolicy policy,
            AuditLog audit,
            Clock clock,
            @Value("${datafloor.data-dir}") Path dataDir,
            @Value("${datafloor.exchange.dispute.response-days:7}") int responseDays,
            @Value("${datafloor.exchange.dispute.decision-days:30}") int decisionDays) {
        if (responseDays < 1 || decisionDays < responseDays) {
            throw new IllegalArgumentException(
                    "datafloor.exchange.dispute: response-days must be at least 1 and decision-days at least that");
        }
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.contracts = contracts;
        this.offers = offers;
        this.products = products;
        this.journal = journal;
        this.invoices = invoices;
        this.organisations = organisations;
        this.ledger = ledger;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.directory = dataDir.resolve("disputes");
        this.responseTime = Duration.ofDays(responseDays);
        this.decisionTime = Duration.ofDays(decisionDays);
    }

    // ------------------------------------------------------------------ opening

    /**
     * A party of the contract opens a dispute.
     *
     * @throws ProblemException 404 when the caller is no party, 400 for a bad claim, amount or evidence,
     *     409 when the contract already has an open dispute
     */
    public Dispute open(Actor actor, long contractId, Submission claim) {
        Contract contract = contracts.visible(actor, contractId);
        long ownOrg = partyOrg(actor, contract);
        policy.require(actor, Action.OPEN_DISPUTES, ownOrg);
        String text = text(claim.text(), "dispute.claim", "the claim");
        long paid = paid(contract);
        long amount = claim.amount() == null ? 0 : claim.amount();
        if (amount < 0 || amount > paid) {
            throw ProblemException.badRequest(
                    "dispute.amount",
                    "The amount claimed is between 0 and what the buyer paid on this contract: " + paid + " đồng",
                    paid);
        }
        Set<Long> entries = ledgerEntries(claim.ledgerEntries());
        Set<Long> usage = usageRecords(contractId, claim.usageRecords());
        List<Prepared> files = prepared(claim.files());
        if (disputes("where d.open_contract_id = ?", contractId).size() > 0) {
            throw alreadyOpen(contractId);
        }
        long respondent = ownOrg == contract.buyerOrg() ? contract.providerOrg() : contract.buyerOrg();
        Instant now = now();
        long id;
        try {
            id = transactions.execute(status -> {
                jdbc.sql("""
                                insert into exchange_dispute(contract_id, claimant_org, respondent_org, opened_by, state, claim,
                                  amount_claimed, opened_at, response_due, decision_due, open_contract_id)
                                values (?,?,?,?,?,?,?,?,?,?,?)""")
                        .params(
                                contractId,
                                ownOrg,
                                respondent,
                                actor.personId(),
                                State.OPEN.name(),
                                text,
                                amount,
                                Timestamp.from(now),
                                Timestamp.from(now.plus(responseTime)),
                                Timestamp.from(now.plus(decisionTime)),
                                contractId)
                        .update();
                long made = jdbc.sql("select id from exchange_dispute where open_contract_id = ?")
                        .param(contractId)
                        .query(Long.class)
                        .single();
                attach(actor, made, ownOrg, Stage.CLAIM, entries, usage, files, now);
                Map<String, String> details = new LinkedHashMap<>();
                details.put("dispute", Long.toString(made));
                details.put("contract", Long.toString(contractId));
                details.put("amountClaimed", Long.toString(amount));
                details.put("files", hashes(files));
                audit.record(new AuditEvent(
                        EventType.DISPUTE_OPENED,
                        actor.personId(),
                        actor.personName(),
                        ownOrg,
                        AuditEvent.Outcome.SUCCESS,
                        ClientAddress.current(),
                        "dispute " + made + " opened on contract " + contractId + ": " + amount + " đồng claimed",
                        details));
                return made;
            });
        } catch (DuplicateKeyException alreadyOpen) {
            throw alreadyOpen(contractId);
        }
        return dispute(id).orElseThrow();
    }

    private static ProblemException alreadyOpen(long contractId) {
        return ProblemException.conflict(
                "dispute.alreadyOpen",
                "Contract " + contractId + " already has an open dispute: add to that one",
                contractId);
    }

    /** The caller's organisation as a party of the contract; anyone else sees nothing (404). */
    private static long partyOrg(Actor actor, Contract contract) {
        if (actor.orgId() != null
                && (actor.orgId() == contract.buyerOrg() || actor.orgId() == contract.providerOrg())) {
            return actor.orgId();
        }
        throw ProblemException.notFound("No contract " + contract.id() + " of your organisation");
    }

    // ------------------------------------------------------------------ responding

    /** The other party answers before the response deadline. */
    public Dispute respond(Actor actor, long disputeId, Submission answer) {
        Dispute dispute = visible(actor, disputeId);
        if (actor.orgId() == null || actor.orgId() != dispute.respondentOrg()) {
            throw ProblemException.conflict(
                    "dispute.notRespondent", "Only the other party of the contract answers a dispute");
        }
        policy.require(actor, Action.OPEN_DISPUTES, dispute.respondentOrg());
        String text = text(answer.text(), "dispute.response", "the response");
        Set<Long> entries = ledgerEntries(answer.ledgerEntries());
        Set<Long> usage = usageRecords(dispute.contractId(), answer.usageRecords());
        List<Prepared> files = prepared(answer.files());
        Instant now = now();
        transactions.executeWithoutResult(status -> {
            Dispute locked = lock(disputeId);
            if (locked.state() != State.OPEN) {
                throw ProblemException.conflict(
                        "dispute.notOpen", "This dispute was answered or decided already", locked.state());
            }
            if (!now.isBefore(locked.responseDue())) {
                throw ProblemException.conflict(
                        "dispute.responseLate",
                        "The response deadline passed at " + locked.responseDue() + "; write to the operator",
                        locked.responseDue());
            }
            jdbc.sql("update exchange_dispute set state = ?, response = ?, responded_by = ?, responded_at = ? "
                            + "where id = ? and state = ?")
                    .params(
                            State.RESPONDED.name(),
                            text,
                            actor.personId(),
                            Timestamp.from(now),
                            disputeId,
                            State.OPEN.name())
                    .update();
            attach(actor, disputeId, dispute.respondentOrg(), Stage.RESPONSE, entries, usage, files, now);
            audit.record(new AuditEvent(
                    EventType.DISPUTE_RESPONDED,
                    actor.personId(),
                    actor.personName(),
                    dispute.respondentOrg(),
                    AuditEvent.Outcome.SUCCESS,
                    ClientAddress.current(),
                    "dispute " + disputeId + " answered by organisation " + dispute.respondentOrg(),
                    Map.of(
                            "dispute",
                            Long.toString(disputeId),
                            "contract",
                            Long.toString(dispute.contractId()),
                            "files",
                            hashes(files))));
        });
        return dispute(disputeId).orElseThrow();
    }

    // ------------------------------------------------------------------ mediation

    /** The operator's note or message, which both parties see. */
    public Message message(Actor actor, long disputeId, String body) {
        policy.require(actor, Action.MEDIATE_DISPUTES);
        Dispute dispute = visible(actor, disputeId);
        String text = OfferService.text(body, 1, 5000, "dispute.message", "a message of 1-5000 characters");
        Instant now = now();
        jdbc.sql("insert into exchange_dispute_message(dispute_id, author, body, written_at) values (?,?,?,?)")
                .params(dispute.id(), actor.personId(), text, Timestamp.from(now))
                .update();
        List<Message> all = messages(disputeId);
        return all.get(all.size() - 1);
    }

    /**
     * The operator's decision. Refunds move from the provider's cash to the buyer's with a credit note;
     * TERMINATE ends the agreement too. The same decision sent again returns the dispute as decided
     * (nothing moves twice); a different one is refused.
     *
     * @throws ProblemException 409 when the response deadline has not passed on an unanswered dispute,
     *     when it was decided otherwise, or when the provider has not enough money for the refund
     */
    public Dispute decide(Actor actor, long disputeId, Decision decision) {
        policy.require(actor, Action.MEDIATE_DISPUTES);
        Dispute dispute = visible(actor, disputeId);
        if (decision == null || decision.outcome() == null) {
            throw ProblemException.badRequest(
                    "dispute.outcomeMissing", "Decide one of " + List.of(Outcome.values()), List.of(Outcome.values()));
        }
        String reason = text(decision.reason(), "dispute.reason", "the decision's reason");
        Contract contract = contracts.contract(dispute.contractId()).orElseThrow();
        long paid = paid(contract);
        long refund = switch (decision.outcome()) {
            case DISMISSED -> 0;
            case FULL_REFUND -> paid;
            case PARTIAL_REFUND, TERMINATE -> decision.refund() == null ? 0 : decision.refund();
        };
        if (dispute.decided()) {
            return same(dispute, decision.outcome(), refund);
        }
        if (refund < 0
                || refund > paid
                || (decision.outcome() == Outcome.PARTIAL_REFUND && refund == 0)
                || (decision.outcome() == Outcome.FULL_REFUND && paid == 0)) {
            throw ProblemException.badRequest(
                    "dispute.refund",
                    "A refund is more than 0 and at most what the buyer paid on this contract: " + paid + " đồng",
                    paid);
        }
        Instant now = now();
        if (dispute.state() == State.OPEN && now.isBefore(dispute.responseDue())) {
            throw ProblemException.conflict(
                    "dispute.awaitingResponse",
                    "The other party may answer until " + dispute.responseDue() + "; decide after that",
                    dispute.responseDue());
        }
        if (decision.outcome() == Outcome.TERMINATE && (contract.terminatedAt() != null || !contract.activeAt(now))) {
            throw ProblemException.conflict(
                    "dispute.notInForce", "The agreement is no longer in force: decide a refund or dismiss");
        }
        int vatPercent = vatPercent(contract);
        if (refund > 0) {
            // Accounts and the seller's invoice counter are created outside the decision's transaction.
            contracts.prepareAccounts(contract.buyerOrg(), contract.providerOrg());
        }
        try {
            transactions.executeWithoutResult(status -> {
                Dispute locked = lock(disputeId);
                if (locked.decided()) {
                    // decided by a request racing this one: the lock made it wait, nothing moves twice
                    return;
                }
                Long transactionId = null;
                Long creditNote = null;
                if (refund > 0) {
                    MoneyJournal.Transaction moved = journal.post(
                            TransactionKind.REFUND,
                            "dispute:" + disputeId + ":refund",
                            List.of(
                                    new Posting(
                                            journal.account(contract.providerOrg(), AccountKind.CASH)
                                                    .id(),
                                            -refund),
                                    new Posting(
                                            journal.account(contract.buyerOrg(), AccountKind.CASH)
                                                    .id(),
                                            refund)),
                            "Refund decided in dispute " + disputeId + " on contract " + contract.id(),
                            actor.personId(),
                            contract.buyerOrg());
                    long net = netOf(refund, vatPercent);
                    InvoiceBook.Invoice note = invoices.issue(
                            contract.providerOrg(),
                            contract.buyerOrg(),
                            contract.id(),
                            moved.id(),
                            InvoiceBook.Kind.CREDIT_NOTE,
                            "Credit note: refund decided in dispute " + disputeId,
                            -net,
                            vatPercent,
                            -(refund - net));
                    transactionId = moved.id();
                    creditNote = note.id();
                }
                if (decision.outcome() == Outcome.TERMINATE) {
                    contracts.terminate(actor, contract.id(), "dispute " + disputeId + ": " + truncate(reason, 1900));
                }
                jdbc.sql("""
                                update exchange_dispute set state = ?, outcome = ?, refund = ?, decision_reason = ?, decided_by = ?,
                                  decided_at = ?, refund_transaction_id = ?, credit_note_id = ?, open_contract_id = null
                                where id = ?""")
                        .params(
                                State.DECIDED.name(),
                                decision.outcome().name(),
                                refund,
                                reason,
                                actor.personId(),
                                Timestamp.from(now),
                                transactionId,
                                creditNote,
                                disputeId)
                        .update();
                Map<String, String> details = new LinkedHashMap<>();
                details.put("dispute", Long.toString(disputeId));
                details.put("contract", Long.toString(contract.id()));
                details.put("outcome", decision.outcome().name());
                details.put("refund", Long.toString(refund));
                if (transactionId != null) {
                    details.put("transaction", Long.toString(transactionId));
                }
                audit.record(new AuditEvent(
                        EventType.DISPUTE_DECIDED,
                        actor.personId(),
                        actor.personName(),
                        contract.buyerOrg(),
                        AuditEvent.Outcome.SUCCESS,
                        ClientAddress.current(),
                        "dispute " + disputeId + " decided: " + decision.outcome() + ", refund " + refund + " đồng",
                        details));
            });
        } catch (MoneyJournal.InsufficientFundsException providerCannotPay) {
            throw new ProblemException(
                    HttpStatus.CONFLICT,
                    "dispute.providerCannotPay",
                    "The provider has not enough money for a refund of " + refund
                            + " đồng; nothing was changed. Wait until it has, or decide otherwise",
                    refund);
        }
        Dispute decided = dispute(disputeId).orElseThrow();
        return same(decided, decision.outcome(), refund);
    }

    /** A decision sent again: the dispute as decided when it is the same, refused otherwise. */
    private static Dispute same(Dispute decided, Outcome outcome, long refund) {
        if (decided.outcome() != outcome || decided.refund() == null || decided.refund() != refund) {
            throw ProblemException.conflict(
                    "dispute.alreadyDecided",
                    "This dispute was decided already: " + decided.outcome() + ", refund " + decided.refund() + " đồng",
                    decided.outcome(),
                    decided.refund());
        }
        return decided;
    }

    /** The net part of an amount that includes VAT at this rate; the rest is VAT. */
    static long netOf(long gross, int vatPercent) {
        return Math.floorDiv(Math.multiplyExact(gross, 100L) + (100L + vatPercent) / 2, 100L + vatPercent);
    }

    // ------------------------------------------------------------------ reading

    /** A dispute for its parties, the operator and auditors; anyone else gets 404. */
    public Dispute visible(Actor actor, long disputeId) {
        Dispute dispute = dispute(disputeId).orElseThrow(() -> ProblemException.notFound("No dispute " + disputeId));
        boolean allowed = policy.decide(actor, Action.VIEW_CONTRACTS, dispute.claimantOrg())
                        .allowed()
                || policy.decide(actor, Action.VIEW_CONTRACTS, dispute.respondentOrg())
                        .allowed();
        if (!allowed) {
            throw ProblemException.notFound("No dispute " + disputeId);
        }
        return dispute;
    }

    public Detail detail(Actor actor, long disputeId) {
        Dispute dispute = visible(actor, disputeId);
        Contract contract = contracts.contract(dispute.contractId()).orElseThrow();
        return new Detail(
                dispute,
                contract,
                orgName(dispute.claimantOrg()),
                orgName(dispute.respondentOrg()),
                products.product(contract.productId())
                        .map(ProductService.Product::title)
                        .orElse(""),
                paid(contract),
                vatPercent(contract),
                jdbc.sql("select id, party_org, stage, ledger_index, usage_id from exchange_dispute_evidence "
                                + "where dispute_id = ? order by id")
                        .param(disputeId)
                        .query((rs, n) -> new Evidence(
                                rs.getLong(1),
                                rs.getLong(2),
                                Stage.valueOf(rs.getString(3)),
                                rs.getObject(4, Long.class),
                                rs.getObject(5, Long.class)))
                        .list(),
                files("where dispute_id = ? order by id", disputeId),
                messages(disputeId));
    }

    /**
     * The disputes the caller sees: its organisation's as either party, or every one for the operator
     * and auditors. Undecided first, the overdue ones at the top, then by deadline; decided ones newest
     * first.
     */
    public List<Dispute> list(Actor actor) {
        policy.require(actor, Action.VIEW_CONTRACTS);
        List<Dispute> found;
        if (policy.seesAllTenants(actor, Action.VIEW_CONTRACTS)) {
            found = disputes("order by d.id desc fetch first 1000 rows only");
        } else if (actor.orgId() != null) {
            policy.require(actor, Action.VIEW_CONTRACTS, actor.orgId());
            found = disputes(
                    "where d.claimant_org = ? or d.respondent_org = ? order by d.id desc fetch first 1000 rows only",
                    actor.orgId(),
                    actor.orgId());
        } else {
            found = List.of();
        }
        return found.stream()
                .sorted(Comparator.comparing(Dispute::decided)
                        .thenComparing(d -> !d.overdue())
                        .thenComparing(d -> d.decided() ? Instant.MIN : nextDeadline(d))
                        .thenComparing(Dispute::id, Comparator.reverseOrder()))
                .toList();
    }

    private static Instant nextDeadline(Dispute d) {
        return d.state() == State.OPEN ? d.responseDue() : d.decisionDue();
    }

    /** The disputes of one contract, for its page. */
    public List<Dispute> ofContract(Actor actor, long contractId) {
        contracts.visible(actor, contractId);
        return disputes("where d.contract_id = ? order by d.id desc", contractId);
    }

    /** An uploaded file for the parties, the operator and auditors; anyone else gets 404. */
    public FileContent file(Actor actor, long disputeId, long fileId) {
        visible(actor, disputeId);
        EvidenceFile file = files("where dispute_id = ? and id = ?", disputeId, fileId).stream()
                .findFirst()
                .orElseThrow(() -> ProblemException.notFound("No file " + fileId + " in dispute " + disputeId));
        try {
            byte[] bytes = Files.readAllBytes(stored(disputeId, fileId));
            if (!sha256(bytes).equals(file.sha256())) {
                // Changed on disk since it was uploaded: never serve it as the evidence it claims to be.
                throw ProblemException.conflict(
                        "dispute.fileChanged", "File " + fileId + " no longer matches its recorded SHA-256");
            }
            return new FileContent(file, bytes);
        } catch (IOException e) {
            throw ProblemException.conflict("dispute.fileMissing", "File " + fileId + " is missing from storage");
        }
    }

    public Optional<Dispute> dispute(long id) {
        List<Dispute> found = disputes("where d.id = ?", id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /** What the buyer paid on the contract: its invoices, less refunds already credited. */
    public long paid(Contract contract) {
        return jdbc.sql("select coalesce(sum(total), 0) from exchange_invoice where contract_id = ? and buyer_org = ?")
                .params(contract.id(), contract.buyerOrg())
                .query(Long.class)
                .single();
    }

    private int vatPercent(Contract contract) {
        return invoices.ofContract(contract.id()).stream()
                .filter(i -> i.kind() != InvoiceBook.Kind.CREDIT_NOTE)
                .map(InvoiceBook.Invoice::vatPercent)
                .findFirst()
                .orElseGet(() -> offers.offer(contract.offerId())
                        .map(OfferService.Offer::vatPercent)
                        .orElse(0));
    }

    private String orgName(long orgId) {
        return organisations.find(orgId).map(Organisation::name).orElse("");
    }

    private List<Message> messages(long disputeId) {
        return jdbc.sql("select id, author, body, written_at from exchange_dispute_message where dispute_id = ? "
                        + "order by id")
                .param(disputeId)
                .query((rs, n) -> new Message(
                        rs.getLong(1),
                        rs.getObject(2, Long.class),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }

    private List<EvidenceFile> files(String where, Object... params) {
        return jdbc.sql("select id, dispute_id, party_org, stage, file_name, content_type, size_bytes, sha256, "
                        + "uploaded_at from exchange_dispute_file " + where)
                .params(params)
                .query((rs, n) -> new EvidenceFile(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        Stage.valueOf(rs.getString(4)),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getLong(7),
                        rs.getString(8),
                        rs.getTimestamp(9).toInstant()))
                .list();
    }

    private Dispute lock(long disputeId) {
        jdbc.sql("select id from exchange_dispute where id = ? for update")
                .param(disputeId)
                .query(Long.class)
                .single();
        return dispute(disputeId).orElseThrow();
    }

    private List<Dispute> disputes(String where, Object... params) {
        Instant now = now();
        return jdbc.sql("""
                        select d.id, d.contract_id, d.claimant_org, d.respondent_org, d.state, d.claim, d.amount_claimed,
                          d.opened_at, d.response_due, d.decision_due, d.response, d.responded_at, d.outcome, d.refund,
                          d.decision_reason, d.decided_at, d.refund_transaction_id, d.credit_note_id
                        from exchange_dispute d""" + " " + where)
                .params(params)
                .query((rs, n) -> row(rs, now))
                .list();
    }

    private static Dispute row(ResultSet rs, Instant now) throws SQLException {
        State state = State.valueOf(rs.getString(5));
        Instant responseDue = rs.getTimestamp(9).toInstant();
        Instant decisionDue = rs.getTimestamp(10).toInstant();
        return new Dispute(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getLong(4),
                state,
                rs.getString(6),
                rs.getLong(7),
                rs.getTimestamp(8).toInstant(),
                responseDue,
                decisionDue,
                rs.getString(11),
                instant(rs.getTimestamp(12)),
                rs.getString(13) == null ? null : Outcome.valueOf(rs.getString(13)),
                rs.getObject(14, Long.class),
                rs.getString(15),
                instant(rs.getTimestamp(16)),
                rs.getObject(17, Long.class),
                rs.getObject(18, Long.class),
                state == State.OPEN && !now.isBefore(responseDue),
                state != State.DECIDED && !now.isBefore(decisionDue));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    // ------------------------------------------------------------------ evidence

    /** A file checked and hashed, ready to store. */
    private record Prepared(String fileName, String contentType, byte[] bytes, String sha256) {}

    private Set<Long> ledgerEntries(List<Long> indexes) {
        Set<Long> found = new LinkedHashSet<>();
        if (indexes == null) {
            return found;
        }
        if (indexes.size() > 100) {
            throw ProblemException.badRequest("dispute.tooMuchEvidence", "At most 100 ledger entries as evidence");
        }
        long size = ledger.size();
        for (Long index : indexes) {
            if (index == null || index < 0 || index >= size) {
                throw ProblemException.badRequest(
                        "dispute.noLedgerEntry", "No ledger entry " + index + ": the ledger has " + size, index, size);
            }
            found.add(index);
        }
        return found;
    }

    private Set<Long> usageRecords(long contractId, List<Long> ids) {
        Set<Long> found = new LinkedHashSet<>();
        if (ids == null) {
            return found;
        }
        if (ids.size() > 100) {
            throw ProblemException.badRequest("dispute.tooMuchEvidence", "At most 100 usage records as evidence");
        }
        for (Long id : ids) {
            boolean ofContract = id != null
                    && jdbc.sql("select count(*) from exchange_usage where id = ? and contract_id = ?")
                                    .params(id, contractId)
                                    .query(Long.class)
                                    .single()
                            > 0;
            if (!ofContract) {
                throw ProblemException.badRequest(
                        "dispute.noUsageRecord", "No usage record " + id + " of contract " + contractId, id);
            }
            found.add(id);
        }
        return found;
    }

    private static List<Prepared> prepared(List<Upload> uploads) {
        List<Prepared> files = new ArrayList<>();
        if (uploads == null) {
            return files;
        }
        List<Upload> real = uploads.stream()
                .filter(u -> u != null && u.bytes() != null && u.bytes().length > 0)
                .toList();
        if (real.size() > MAX_FILES) {
            throw ProblemException.badRequest(
                    "dispute.tooManyFiles", "Attach at most " + MAX_FILES + " files", MAX_FILES);
        }
        for (Upload upload : real) {
            if (upload.bytes().length > MAX_FILE_BYTES) {
                throw ProblemException.badRequest(
                        "dispute.fileTooLarge", "A file has at most 5 MB", displayName(upload.fileName()));
            }
            files.add(new Prepared(
                    displayName(upload.fileName()),
                    contentType(upload.contentType()),
                    upload.bytes(),
                    sha256(upload.bytes())));
        }
        return files;
    }

    /**
     * The client's file name, only to show: its last path segment without control characters. The
     * stored file is named by its row id, so no name a client sends reaches the file system.
     */
    static String displayName(String name) {
        String base = name == null ? "" : name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1)
                .replaceAll("[\\p{Cntrl}\"]", "")
                .strip();
        if (base.isEmpty() || base.equals(".") || base.equals("..")) {
            base = "file";
        }
        return base.length() > 200 ? base.substring(base.length() - 200) : base;
    }

    private static String contentType(String type) {
        return type != null && type.matches("[a-zA-Z0-9.+-]{1,40}/[a-zA-Z0-9.+-]{1,58}")
                ? type.toLowerCase(Locale.ROOT)
                : "application/octet-stream";
    }

    /** In the caller's transaction: the evidence rows, then the files' bytes under the data directory. */
    private void attach(
            Actor actor,
            long disputeId,
            long partyOrg,
            Stage stage,
            Set<Long> entries,
            Set<Long> usage,
            List<Prepared> files,
            Instant now) {
        for (long index : entries) {
            jdbc.sql(
                            "insert into exchange_dispute_evidence(dispute_id, party_org, stage, ledger_index) values (?,?,?,?)")
                    .params(disputeId, partyOrg, stage.name(), index)
                    .update();
        }
        for (long id : usage) {
            jdbc.sql("insert into exchange_dispute_evidence(dispute_id, party_org, stage, usage_id) values (?,?,?,?)")
                    .params(disputeId, partyOrg, stage.name(), id)
                    .update();
        }
        for (Prepared file : files) {
            jdbc.sql("""
                            insert into exchange_dispute_file(dispute_id, party_org, stage, file_name, content_type, size_bytes,
                              sha256, uploaded_by, uploaded_at) values (?,?,?,?,?,?,?,?,?)""")
                    .params(
                            disputeId,
                            partyOrg,
                            stage.name(),
                            file.fileName(),
                            file.contentType(),
                            file.bytes().length,
                            file.sha256(),
                            actor.personId(),
                            Timestamp.from(now))
                    .update();
            long fileId = jdbc.sql("select max(id) from exchange_dispute_file where dispute_id = ?")
                    .param(disputeId)
                    .query(Long.class)
                    .single();
            // Written before the commit: should the commit fail, the bytes stay without a row and are never
            // served; written after, a crash could leave a row without its bytes.
            write(stored(disputeId, fileId), file.bytes());
        }
    }

    private Path stored(long disputeId, long fileId) {
        return directory.resolve(Long.toString(disputeId)).resolve(Long.toString(fileId));
    }

    private static void write(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.getParent());
            Path temporary = target.resolveSibling(target.getFileName() + ".part");
            Files.write(temporary, bytes);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hashes(List<Prepared> files) {
        return String.join(",", files.stream().map(Prepared::sha256).toList());
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private static String text(String text, String key, String what) {
        return OfferService.text(text, 20, 5000, key, what + " (20-5000 characters)");
    }

    /** To the millisecond, as the database stores it (see ContractService#now). */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
