package vn.datafloor.server.exchange;

import java.util.List;
import org.springframework.stereotype.Service;
import vn.datafloor.server.authz.AccessPolicy;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.identity.Organisation;
import vn.datafloor.server.identity.OrganisationService;
import vn.datafloor.server.platform.ProblemException;

/** What people may see of the journal, decided by the policy. */
@Service
public class MoneyService {

    /** An organisation's money as its administrator sees it: how to top up, what it has, what moved. */
    public record OrganisationMoney(
            Organisation organisation, String transferReference, long available, long held, List<Movement> recent) {}

    /** One transaction as it changed the organisation's available money. */
    public record Movement(
            long transaction,
            java.time.Instant at,
            MoneyJournal.TransactionKind kind,
            String description,
            long change) {}

    private final MoneyJournal journal;
    private final AccessPolicy policy;
    private final OrganisationService organisations;

    MoneyService(MoneyJournal journal, AccessPolicy policy, OrganisationService organisations) {
        this.journal = journal;
        this.policy = policy;
        this.organisations = organisations;
    }

    public OrganisationMoney of(Actor actor, long orgId) {
        policy.require(actor, Action.VIEW_MONEY, orgId);
        Organisation organisation =
                organisations.find(orgId).orElseThrow(() -> ProblemException.notFound("No organisation " + orgId));
        MoneyJournal.Account cash = journal.account(orgId, MoneyJournal.AccountKind.CASH);
        MoneyJournal.Account held = journal.account(orgId, MoneyJournal.AccountKind.HELD);
        return new OrganisationMoney(
                organisation,
                cash.reference(),
                journal.balance(cash.id()),
                journal.balance(held.id()),
                journal.transactionsOf(cash.id(), 50).stream()
                        .map(t -> new Movement(
                                t.id(),
                                t.createdAt(),
                                t.kind(),
                                t.description(),
                                t.postings().stream()
                                        .filter(p -> p.accountId() == cash.id())
                                        .mapToLong(MoneyJournal.Posting::amount)
                                        .sum()))
                        .toList());
    }

    public OrganisationMoney own(Actor actor) {
        if (actor.orgId() == null) {
            throw ProblemException.badRequest(
                    "money.noOrganisation", "Money belongs to organisations; you belong to none");
        }
        return of(actor, actor.orgId());
    }

    public MoneyJournal.TrialBalance trialBalance(Actor actor) {
        policy.require(actor, Action.VIEW_JOURNAL);
        return journal.trialBalance();
    }
}
