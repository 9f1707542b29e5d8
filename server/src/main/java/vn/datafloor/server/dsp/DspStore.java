package vn.datafloor.server.dsp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;
import vn.datafloor.server.audit.AuditEvent;
import vn.datafloor.server.audit.AuditLog;
import vn.datafloor.server.audit.EventType;
import vn.datafloor.server.exchange.ContractService.State;

/**
 * The dsp capability's own tables: negotiations and transfer processes with other connectors, and every
 * state each went through. A state moves by a conditional update from the state it was read in, so two
 * messages racing for one process cannot both move it; each move is on the ledger.
 */
@Component
class DspStore {

    enum Role {
        PROVIDER,
        CONSUMER
    }

    /** The Dataspace Protocol 2025-1 transfer process states. */
    enum TransferState {
        REQUESTED,
        STARTED,
        SUSPENDED,
        COMPLETED,
        TERMINATED;

        Set<TransferState> next() {
            return switch (this) {
                case REQUESTED -> EnumSet.of(STARTED, TERMINATED);
                case STARTED -> EnumSet.of(SUSPENDED, COMPLETED, TERMINATED);
                case SUSPENDED -> EnumSet.of(STARTED, TERMINATED);
                case COMPLETED, TERMINATED -> EnumSet.noneOf(TransferState.class);
            };
        }
    }

    record Negotiation(
            long id,
            Role role,
            String providerPid,
            String consumerPid,
            State state,
            long orgId,
            Long counterpartyOrg,
            String counterpartyId,
            String counterpartyAddress,
            String datasetId,
            String offerId,
            Long exchangeOfferId,
            String policy,
            String agreementId,
            Long contractId,
            Long createdBy) {}

    record Transfer(
            long id,
            Role role,
            String providerPid,
            String consumerPid,
            TransferState state,
            long orgId,
            Long counterpartyOrg,
            String counterpartyAddress,
            String agreementId,
            Long contractId,
            String format,
            String accessKeyId,
            String dataAddress,
            Long createdBy) {}

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Clock clock;

    DspStore(JdbcClient jdbc, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ negotiations

    Negotiation insert(Negotiation n, String message) {
        Timestamp now = Timestamp.from(clock.instant());
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                        insert into dsp_negotiation(role, provider_pid, consumer_pid, state, org_id, counterparty_org,
                          counterparty_id, counterparty_address, dataset_id, offer_id, exchange_offer_id, policy,
                          agreement_id, contract_id, created_by, created_at, updated_at)
                        values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
                .params(
                        n.role().name(),
                        n.providerPid(),
                        n.consumerPid(),
                        n.state().name(),
                        n.orgId(),
                        n.counterpartyOrg(),
                        n.counterpartyId(),
                        n.counterpartyAddress(),
                        n.datasetId(),
                        n.offerId(),
                        n.exchangeOfferId(),
                        n.policy(),
                        n.agreementId(),
                        n.contractId(),
                        n.createdBy(),
                        now,
                        now)
                .update(keys, "id");
        long id = keys.getKeyAs(Number.class).longValue();
        changed(
                "negotiation",
                id,
                null,
                n.state().name(),
                message,
                n.orgId(),
                n.role(),
                n.providerPid(),
                n.consumerPid());
        return negotiation(id).orElseThrow();
    }

    Optional<Negotiation> negotiation(long id) {
        return negotiations("where id = ?", id).stream().findFirst();
    }

    /** The process of this platform's side that the pid names: our provider pid, or our consumer pid. */
    Optional<Negotiation> negotiationByOwnPid(String pid) {
        return negotiations(
                        "where (role = 'PROVIDER' and provider_pid = ?) or (role = 'CONSUMER' and consumer_pid = ?)",
                        pid,
                        pid)
                .stream()
                .findFirst();
    }

    Optional<Negotiation> negotiationOfContract(long contractId) {
        return negotiations("where contract_id = ? and role = 'PROVIDER'", contractId).stream()
                .findFirst();
    }

    /** The finalized agreement an organisation of ours reached as consumer, by the provider's agreement id. */
    Optional<Negotiation> consumerAgreement(long orgId, String agreementId) {
        return negotiations(
                        "where role = 'CONSUMER' and org_id = ? and agreement_id = ? and state = 'FINALIZED'",
                        orgId,
                        agreementId)
                .stream()
                .findFirst();
    }

    List<Negotiation> negotiationsOf(long orgId, int limit) {
        return negotiations("where org_id = ? order by id desc limit " + Math.max(1, Math.min(limit, 500)), orgId);
    }

    /**
     * Moves a negotiation from the state it was read in to {@code to}, along the protocol's transitions only;
     * false when the state changed meanwhile or the move is not a transition.
     */
    boolean move(Negotiation n, State to, String message) {
        if (!n.state().next().contains(to)) {
            return false;
        }
        int moved = jdbc.sql("update dsp_negotiation set state = ?, updated_at = ? where id = ? and state = ?")
                .params(
                        to.name(),
                        Timestamp.from(clock.instant()),
                        n.id(),
                        n.state().name())
                .update();
        if (moved == 1) {
            changed(
                    "negotiation",
                    n.id(),
                    n.state().name(),
                    to.name(),
                    message,
                    n.orgId(),
                    n.role(),
                    n.providerPid(),
                    n.consumerPid());
        }
        return moved == 1;
    }

    void setProviderPid(long id, String providerPid) {
        jdbc.sql("update dsp_negotiation set provider_pid = ? where id = ?")
                .params(providerPid, id)
                .update();
    }

    void setPolicy(long id, String policy) {
        jdbc.sql("update dsp_negotiation set policy = ? where id = ?")
                .params(policy, id)
                .update();
    }

    void setAgreement(long id, String agreementId, Long contractId, String policy) {
        jdbc.sql(
                        "update dsp_negotiation set agreement_id = ?, contract_id = ?, policy = coalesce(?, policy) where id = ?")
                .params(agreementId, contractId, policy, id)
                .update();
    }

    /**
     * The negotiation waits for the provider's decision on the exchange's contract request it made, to be
     * answered from the protocol base {@code base}; the wait is in the process's history and on the ledger.
     */
    void awaitDecision(Negotiation n, long contractId, String base) {
        jdbc.sql("update dsp_negotiation set contract_id = ?, own_base = ?, updated_at = ? where id = ?")
                .params(contractId, base, Timestamp.from(clock.instant()), n.id())
                .update();
        changed(
                "negotiation",
                n.id(),
                n.state().name(),
                n.state().name(),
                "held for the provider's approval on the exchange (contract " + contractId + ")",
                n.orgId(),
                n.role(),
                n.providerPid(),
                n.consumerPid());
    }

    /** The protocol base a waiting negotiation is answered from. */
    Optional<String> ownBase(long id) {
        return jdbc.sql("select own_base from dsp_negotiation where id = ?")
                .param(id)
                .query(String.class)
                .optional();
    }

    /**
     * The contract requests provider negotiations are waiting on, oldest first: the sweep asks the exchange which
     * of them it settled meanwhile (a crash between the decision and its message left that answer unsent).
     */
    List<Long> waitingContracts(long afterContract, int limit) {
        return jdbc.sql("""
                        select contract_id from dsp_negotiation
                        where role = 'PROVIDER' and state in ('REQUESTED', 'ACCEPTED') and contract_id > ?
                        order by contract_id limit ?""").params(afterContract, limit).query(Long.class).list();
    }

    private List<Negotiation> negotiations(String where, Object... params) {
        return jdbc.sql("select * from dsp_negotiation " + where)
                .params(List.of(params))
                .query(DspStore::negotiationRow)
                .list();
    }

    private static Negotiation negotiationRow(ResultSet rs, int n) throws SQLException {
        return new Negotiation(
                rs.getLong("id"),
                Role.valueOf(rs.getString("role")),
                rs.getString("provider_pid"),
                rs.getString("consumer_pid"),
                State.valueOf(rs.getString("state")),
                rs.getLong("org_id"),
                (Long) rs.getObject("counterparty_org", Long.class),
                rs.getString("counterparty_id"),
                rs.getString("counterparty_address"),
                rs.getString("dataset_id"),
                rs.getString("offer_id"),
                (Long) rs.getObject("exchange_offer_id", Long.class),
                rs.getString("policy"),
                rs.getString("agreement_id"),
                (Long) rs.getObject("contract_id", Long.class),
                (Long) rs.getObject("created_by", Long.class));
    }

    // ------------------------------------------------------------------ transfers

    Transfer insert(Transfer t, String message) {
        Timestamp now = Timestamp.from(clock.instant());
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("""
                        insert into dsp_transfer(role, provider_pid, consumer_pid, state, org_id, counterparty_org,
                          counterparty_address, agreement_id, contract_id, format, access_key_id, data_address,
                          created_by, created_at, updated_at)
                        values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""")
                .params(
                        t.role().name(),
                        t.providerPid(),
                        t.consumerPid(),
                        t.state().name(),
                        t.orgId(),
                        t.counterpartyOrg(),
                        t.counterpartyAddress(),
                        t.agreementId(),
                        t.contractId(),
                        t.format(),
                        t.accessKeyId(),
                        t.dataAddress(),
                        t.createdBy(),
                        now,
                        now)
                .update(keys, "id");
        long id = keys.getKeyAs(Number.class).longValue();
        changed("transfer", id, null, t.state().name(), message, t.orgId(), t.role(), t.providerPid(), t.consumerPid());
        return transfer(id).orElseThrow();
    }

    Optional<Transfer> transfer(long id) {
        return transfers("where id = ?", id).stream().findFirst();
    }

    Optional<Transfer> transferByOwnPid(String pid) {
        return transfers(
                        "where (role = 'PROVIDER' and provider_pid = ?) or (role = 'CONSUMER' and consumer_pid = ?)",
                        pid,
                        pid)
                .stream()
                .findFirst();
    }

    List<Transfer> transfersOf(long orgId, int limit) {
        return transfers("where org_id = ? order by id desc limit " + Math.max(1, Math.min(limit, 500)), orgId);
    }

    boolean move(Transfer t, TransferState to, String message) {
        if (!t.state().next().contains(to)) {
            return false;
        }
        int moved = jdbc.sql("update dsp_transfer set state = ?, updated_at = ? where id = ? and state = ?")
                .params(
                        to.name(),
                        Timestamp.from(clock.instant()),
                        t.id(),
                        t.state().name())
                .update();
        if (moved == 1) {
            changed(
                    "transfer",
                    t.id(),
                    t.state().name(),
                    to.name(),
                    message,
                    t.orgId(),
                    t.role(),
                    t.providerPid(),
                    t.consumerPid());
        }
        return moved == 1;
    }

    void setTransferProviderPid(long id, String providerPid) {
        jdbc.sql("update dsp_transfer set provider_pid = ? where id = ?")
                .params(providerPid, id)
                .update();
    }

    void setAccessKey(long id, String keyId) {
        jdbc.sql("update dsp_transfer set access_key_id = ? where id = ?")
                .params(keyId, id)
                .update();
    }

    void setDataAddress(long id, String sealed) {
        jdbc.sql("update dsp_transfer set data_address = ? where id = ?")
                .params(sealed, id)
                .update();
    }

    private List<Transfer> transfers(String where, Object... params) {
        return jdbc.sql("select * from dsp_transfer " + where)
                .params(List.of(params))
                .query((rs, n) -> new Transfer(
                        rs.getLong("id"),
                        Role.valueOf(rs.getString("role")),
                        rs.getString("provider_pid"),
                        rs.getString("consumer_pid"),
                        TransferState.valueOf(rs.getString("state")),
                        rs.getLong("org_id"),
                        (Long) rs.getObject("counterparty_org", Long.class),
                        rs.getString("counterparty_address"),
                        rs.getString("agreement_id"),
                        (Long) rs.getObject("contract_id", Long.class),
                        rs.getString("format"),
                        rs.getString("access_key_id"),
                        rs.getString("data_address"),
                        (Long) rs.getObject("created_by", Long.class)))
                .list();
    }

    // ------------------------------------------------------------------ history and ledger

    private void changed(
            String kind,
            long id,
            String from,
            String to,
            String message,
            long orgId,
            Role role,
            String providerPid,
            String consumerPid) {
        jdbc.sql(
                        "insert into dsp_process_event(kind, process_id, from_state, to_state, message, at) values (?,?,?,?,?,?)")
                .params(kind, id, from, to, message, Timestamp.from(clock.instant()))
                .update();
        audit.record(new AuditEvent(
                EventType.DSP_PROCESS_CHANGED,
                null,
                null,
                orgId,
                AuditEvent.Outcome.SUCCESS,
                null,
                "DSP " + kind + " " + id + " (" + role.name().toLowerCase(java.util.Locale.ROOT) + ") "
                        + (from == null ? "" : from + " -> ") + to + " by " + message,
                details(kind + ":" + id, providerPid, consumerPid, to, message)));
    }

    private static Map<String, String> details(
            String process, String providerPid, String consumerPid, String state, String message) {
        Map<String, String> details = new java.util.LinkedHashMap<>();
        details.put("process", process);
        // The consumer side knows the provider's id only once the provider has answered.
        if (providerPid != null) {
            details.put("providerPid", providerPid);
        }
        details.put("consumerPid", consumerPid);
        details.put("state", state);
        details.put("message", message);
        return details;
    }

    /** The states a process went through, oldest first. */
    List<String> history(String kind, long id) {
        return jdbc.sql("select to_state from dsp_process_event where kind = ? and process_id = ? order by id")
                .params(kind, id)
                .query(String.class)
                .list();
    }
}
