package vn.datafloor.server.exchange;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Actor;
import vn.datafloor.server.authz.Permit;

/** The exchange's money over HTTP: balances, the trial balance, bank statements. */
@RestController
@Tag(
        name = "Exchange: money",
        description = "Organisations' balances, the journal's trial balance, top-ups from bank statements")
class MoneyApiController {

    private final MoneyService money;
    private final BankStatements statements;

    MoneyApiController(MoneyService money, BankStatements statements) {
        this.money = money;
        this.statements = statements;
    }

    @GetMapping("/api/exchange/account")
    @Permit(Action.VIEW_MONEY)
    @Operation(summary = "Your organisation's balance, its transfer reference for top-ups, and recent transactions")
    MoneyService.OrganisationMoney own(Actor actor) {
        return money.own(actor);
    }

    @GetMapping("/api/exchange/accounts/{id}")
    @Permit(Action.VIEW_MONEY)
    @Operation(summary = "An organisation's balance and transactions (its administrator, the operator, auditors)")
    MoneyService.OrganisationMoney of(Actor actor, @PathVariable("id") long orgId) {
        return money.of(actor, orgId);
    }

    @GetMapping("/api/exchange/journal/trial-balance")
    @Permit(Action.VIEW_JOURNAL)
    @Operation(summary = "Every account's balance from its postings, and their total, which must be 0")
    MoneyJournal.TrialBalance trialBalance(Actor actor) {
        return money.trialBalance(actor);
    }

    @PostMapping("/api/exchange/top-ups/statement")
    @Permit(Action.RECONCILE_PAYMENTS)
    @Operation(
            summary = "Credit top-ups from a bank statement (CSV: date, amount, description, bank_ref); "
                    + "each bank_ref credits once")
    BankStatements.Reconciliation statement(Actor actor, @RequestParam("file") MultipartFile file) {
        try {
            return statements.reconcile(actor, file.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
